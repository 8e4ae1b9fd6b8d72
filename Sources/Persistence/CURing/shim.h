#ifndef HOLDFAST_CURING_SHIM_H
#define HOLDFAST_CURING_SHIM_H

/*
 * liburing.h defines _XOPEN_SOURCE and _GNU_SOURCE before its first libc
 * include. If it came first, glibc would define fd_set (and friends) with
 * different member names than in the Glibc/Dispatch modules Swift already
 * has, and the two definitions clash. Including the libc headers first, with
 * the default feature macros, keeps one definition for everyone.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <signal.h>
#include <fcntl.h>
#include <sched.h>
#include <errno.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>

#include <liburing.h>

/* Flag macros built from enum bits do not import into Swift; re-export them. */
static const unsigned int holdfast_IOSQE_IO_LINK = IOSQE_IO_LINK;
static const unsigned int holdfast_IORING_FSYNC_DATASYNC = IORING_FSYNC_DATASYNC;

#endif
