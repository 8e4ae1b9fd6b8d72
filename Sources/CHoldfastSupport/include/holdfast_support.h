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

/* Commits the pages that overlap [address, address + length) as if each had
 * been written (madvise MADV_POPULATE_WRITE, Linux 5.14+), without changing
 * their contents, so later writes there take no page fault. 0, or an errno
 * (EINVAL where the kernel lacks it; ENOMEM if part is not mapped). */
int holdfast_populate_for_write(const void *address, size_t length);

/* Names the calling thread (at most 15 bytes are kept); 0 or an errno. */
int holdfast_set_thread_name(const char *name);

/* ---- Token signatures (JWT HS256 and RS256) through OpenSSL's EVP interface ---- */

/* HMAC-SHA256 of `message` under `key`. Returns 1 on success, 0 on failure. */
int holdfast_hmac_sha256(const void *key, size_t key_length, const void *message, size_t message_length,
                         uint8_t mac[32]);

/* 1 if the two buffers are equal, 0 otherwise, in time independent of their contents. */
int holdfast_constant_time_equal(const void *left, const void *right, size_t length);

/* An RSA key (public, or private with its public half) parsed once from PEM. */
typedef struct holdfast_rsa_key holdfast_rsa_key;

/* Parses a PEM public key (SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----").
 * Returns NULL unless it is an RSA key of at least 2048 bits. */
holdfast_rsa_key *holdfast_rsa_public_key_from_pem(const char *pem, size_t length);
/* Parses a PEM private key (PKCS#8 or PKCS#1, unencrypted). NULL unless RSA of at least 2048 bits. */
holdfast_rsa_key *holdfast_rsa_private_key_from_pem(const char *pem, size_t length);
void holdfast_rsa_key_destroy(holdfast_rsa_key *key);
/* The key's modulus size in bytes (the signature length). */
size_t holdfast_rsa_key_signature_length(const holdfast_rsa_key *key);

/* RSASSA-PKCS1-v1_5 with SHA-256. Verify returns 1 when the signature is valid, 0 otherwise. */
int holdfast_rsa_sha256_verify(const holdfast_rsa_key *key, const void *message, size_t message_length,
                               const void *signature, size_t signature_length);
/* Signs with a private key; `signature` has room for `signature_capacity` bytes, the length written
 * goes to `signature_length`. Returns 1 on success, 0 on failure. */
int holdfast_rsa_sha256_sign(const holdfast_rsa_key *key, const void *message, size_t message_length,
                             uint8_t *signature, size_t signature_capacity, size_t *signature_length);

/* Generates a fresh RSA key of `bits` (2048...8192) and writes its private (PKCS#8) and public
 * (SubjectPublicKeyInfo) PEM texts, NUL-terminated, into the buffers. Returns 1 on success, 0 on
 * failure (including buffers too small). For tests and key set-up. */
int holdfast_rsa_generate_pem(int bits, char *private_pem, size_t private_capacity, char *public_pem,
                              size_t public_capacity);

#endif
