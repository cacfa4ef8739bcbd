# libFuzzer targets (included by the top Makefile). `make fuzz` runs every target for
# FUZZ_RUNS executions under ASan+UBSan; `make fuzz-smoke` is the short run the test command
# uses. Objects are built with clang in their own directory; the repo's corpora are seeds
# only (new inputs go to build-fuzz/corpus/).
# The clang that is installed: the release's default `clang` (14 on Debian 12, 19 on
# Debian 13; tests/install-deps installs its fuzzer runtime), else the newest /usr/bin/clang-N.
ifeq ($(origin FUZZ_CC),undefined)
FUZZ_CC     := $(firstword $(shell command -v clang) \
                 $(shell ls /usr/bin/clang-[0-9]* 2>/dev/null | sort -V -r) clang)
endif
FUZZ_BUILD  ?= build-fuzz
FUZZ_RUNS   ?= 200000
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
               -DVERSION='"fuzz"' $(shell $(PKG_CONFIG) --cflags libpci libkmod) $(SRC_INCS) $(FUZZ_SAN)
FUZZ_CFLAGS += -I$(FUZZ_BUILD)/gen
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJS   := $(addprefix $(FUZZ_BUILD)/obj/,$(notdir $(LIB_SRCS:.c=.o)))

$(FUZZ_BUILD)/obj/%.o: %.c $(SRC_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/obj/settings-edit.o: $(FUZZ_BUILD)/gen/settings-template.h

$(FUZZ_BUILD)/libfuzz.a: $(FUZZ_OBJS)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libfuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libfuzz.a $(LDLIBS)

.PHONY: fuzz fuzz-build fuzz-smoke
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run $(FUZZ_BINS)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_RUNS=2000
