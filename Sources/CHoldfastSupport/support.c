#define _GNU_SOURCE
#include "holdfast_support.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* ---- CRC-32C ---- */

static uint32_t crc32c_table[8][256];
static int crc32c_hardware = 0;
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static void crc32c_build_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = n;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc32c_table[0][n] = crc;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = crc32c_table[0][n];
        for (int slice = 1; slice < 8; slice++) {
            crc = crc32c_table[0][crc & 0xFF] ^ (crc >> 8);
            crc32c_table[slice][n] = crc;
        }
    }
}

static uint32_t crc32c_software(uint32_t crc, const uint8_t *p, size_t length) {
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        word ^= crc;
        crc = crc32c_table[7][word & 0xFF] ^ crc32c_table[6][(word >> 8) & 0xFF] ^
              crc32c_table[5][(word >> 16) & 0xFF] ^ crc32c_table[4][(word >> 24) & 0xFF] ^
              crc32c_table[3][(word >> 32) & 0xFF] ^ crc32c_table[2][(word >> 40) & 0xFF] ^
              crc32c_table[1][(word >> 48) & 0xFF] ^ crc32c_table[0][word >> 56];
        p += 8;
        length -= 8;
    }
    while (length--) {
        crc = crc32c_table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    }
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *p, size_t length) {
    uint64_t wide = crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        wide = __builtin_ia32_crc32di(wide, word);
        p += 8;
        length -= 8;
    }
    uint32_t narrow = (uint32_t)wide;
    while (length--) {
        narrow = __builtin_ia32_crc32qi(narrow, *p++);
    }
    return narrow;
}
#endif

static void crc32c_setup(void) {
    crc32c_build_table();
#if defined(__x86_64__)
    __builtin_cpu_init();
    crc32c_hardware = __builtin_cpu_supports("sse4.2") ? 1 : 0;
#else
    crc32c_hardware = 0;
#endif
}

int holdfast_crc32c_is_hardware(void) {
    pthread_once(&crc32c_once, crc32c_setup);
    return crc32c_hardware;
}

uint32_t holdfast_crc32c(uint32_t crc, const void *bytes, size_t length) {
    pthread_once(&crc32c_once, crc32c_setup);
    uint32_t state = ~crc;
#if defined(__x86_64__)
    if (crc32c_hardware) return ~crc32c_sse42(state, bytes, length);
#endif
    return ~crc32c_software(state, bytes, length);
}

/* ---- SHA-256 ---- */

struct holdfast_sha256 {
    EVP_MD_CTX *context;
};

holdfast_sha256 *holdfast_sha256_create(void) {
    holdfast_sha256 *wrapper = malloc(sizeof *wrapper);
    if (!wrapper) return NULL;
    wrapper->context = EVP_MD_CTX_new();
    if (!wrapper->context) {
        free(wrapper);
        return NULL;
    }
    return wrapper;
}

void holdfast_sha256_destroy(holdfast_sha256 *wrapper) {
    if (!wrapper) return;
    EVP_MD_CTX_free(wrapper->context);
    free(wrapper);
}

int holdfast_sha256_begin(holdfast_sha256 *wrapper) {
    return EVP_DigestInit_ex(wrapper->context, EVP_sha256(), NULL);
}

int holdfast_sha256_update(holdfast_sha256 *wrapper, const void *bytes, size_t length) {
    return EVP_DigestUpdate(wrapper->context, bytes, length);
}

int holdfast_sha256_finish(holdfast_sha256 *wrapper, uint8_t digest[32]) {
    unsigned int length = 0;
    int ok = EVP_DigestFinal_ex(wrapper->context, digest, &length);
    return ok && length == 32;
}

int holdfast_open_direct_flag(void) { return O_DIRECT; }

int holdfast_set_thread_nice(int nice_value) {
    return setpriority(PRIO_PROCESS, (id_t)gettid(), nice_value);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int holdfast_populate_for_write(const void *address, size_t length) {
    if (length == 0) return 0;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)address & ~(page - 1);
    uintptr_t end = ((uintptr_t)address + length + page - 1) & ~(page - 1);
    return madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0 ? 0 : errno;
}

int holdfast_set_thread_name(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = 0;
    return pthread_setname_np(pthread_self(), truncated);
}
