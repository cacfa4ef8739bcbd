/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths under --root, opened so that they cannot lead out of it: each component is opened
 * from the one before with O_NOFOLLOW; a symbolic link is followed by hand, and only when
 * it stays inside the root (a relative target that does not climb above it). An absolute
 * link or a ".." above the root fails with EXDEV. For the running system's own root
 * ("/" however spelled) there is no outside: every link is followed as the kernel would. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Tests only: every open by the component walk, as on a kernel without openat2(). */
extern bool root_path_walk_only;

/* Open path (absolute, under root) with flags (O_RDONLY, O_DIRECTORY, O_PATH...); a link at
 * its last component is followed like the others. -1 with errno on failure. */
int root_open(const char *root, const char *path, int flags);
/* Open directory dir under root for *at() calls; with `created` non-NULL, missing
 * components are made (mode 0755 whatever the umask) and their paths, root-relative and
 * outermost first, added to it. -1 with errno on failure. */
int root_open_dir(const char *root, const char *dir, struct strlist *created);
/* Read a whole small regular file under root (read_fd's rules). NULL, errno set. */
char *root_read_file(const char *root, const char *path, size_t max, size_t *len_out);
/* Remove the empty directory dir under root (not following links). -1 with errno. */
int root_rmdir(const char *root, const char *dir);
/* "/etc/modprobe.d" of "/etc/modprobe.d/x.conf"; "/" of "/x". Caller frees. */
char *path_dir(const char *path);
/* The last component of path (points into it). */
const char *path_base(const char *path);
