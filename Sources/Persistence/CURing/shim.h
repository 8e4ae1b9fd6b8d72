#ifndef HOLDFAST_CURING_SHIM_H
#define HOLDFAST_CURING_SHIM_H

#include <liburing.h>

/* Flag macros built from enum bits do not import into Swift; re-export them. */
static const unsigned int holdfast_IOSQE_IO_LINK = IOSQE_IO_LINK;
static const unsigned int holdfast_IORING_FSYNC_DATASYNC = IORING_FSYNC_DATASYNC;

#endif
