#ifndef HOLDFAST_SUPPORT_H
#define HOLDFAST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C (Castagnoli), as used by iSCSI and ext4: reflected polynomial
 * 0x82F63B78, initial value and final xor 0xFFFFFFFF. Pass 0 to start;
 * pass a previous result to continue over more bytes. Uses the SSE 4.2
 * instruction when the CPU has it, a table otherwise. */
uint32_t holdfast_crc32c(uint32_t crc, const void *bytes, size_t length);

/* 1 if holdfast_crc32c runs on the CPU instruction, 0 if on the table. */
int holdfast_crc32c_is_hardware(void);

/* SHA-256 through OpenSSL's EVP interface, behind an opaque context that is
 * reused across digests (no allocation per digest). */
typedef struct holdfast_sha256 holdfast_sha256;

holdfast_sha256 *holdfast_sha256_create(void);
void holdfast_sha256_destroy(holdfast_sha256 *context);
/* Each returns 1 on success, 0 on failure (OpenSSL error). */
int holdfast_sha256_begin(holdfast_sha256 *context);
int holdfast_sha256_update(holdfast_sha256 *context, const void *bytes, size_t length);
int holdfast_sha256_finish(holdfast_sha256 *context, uint8_t digest[32]);

/* O_DIRECT, which Swift's Glibc module hides behind _GNU_SOURCE. */
int holdfast_open_direct_flag(void);

/* Sets the calling thread's nice value (Linux applies nice per thread).
 * Returns 0, or -1 with errno set. */
int holdfast_set_thread_nice(int nice_value);

#endif
