#!/bin/sh
# pre-udev hook of vfio-passthrough-setup's dracut module. dracut's init sources hooks, so
# this one only starts the shared early-binding script (an exit here would end init).
if [ -x /usr/lib/vfio-passthrough-setup/early-vfio-passthrough-setup ]; then
	/usr/lib/vfio-passthrough-setup/early-vfio-passthrough-setup
fi
