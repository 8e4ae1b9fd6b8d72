/* Token signatures for the Auth module: HMAC-SHA256 (JWT HS256) and
 * RSASSA-PKCS1-v1_5 with SHA-256 (JWT RS256), through OpenSSL 3's EVP
 * interface. Every OpenSSL return value is checked; every object is freed on
 * every path. */
#include "holdfast_support.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

enum { RSA_BITS_MIN = 2048, RSA_BITS_MAX = 16384, PEM_BYTES_MAX = 65536 };

/* ---- HMAC-SHA256 ---- */

int holdfast_hmac_sha256(const void *key, size_t key_length, const void *message, size_t message_length,
                         uint8_t mac[32]) {
    static const unsigned char empty = 0;
    int ok = 0;
    EVP_MAC *algorithm = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *context = algorithm ? EVP_MAC_CTX_new(algorithm) : NULL;
    if (context) {
        char digest[] = "SHA256";
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_end(),
        };
        size_t length = 0;
        /* OpenSSL refuses a NULL key pointer even with length 0. */
        const unsigned char *key_bytes = key_length ? key : &empty;
        ok = EVP_MAC_init(context, key_bytes, key_length, params) == 1 &&
             EVP_MAC_update(context, message_length ? message : &empty, message_length) == 1 &&
             EVP_MAC_final(context, mac, &length, 32) == 1 && length == 32;
    }
    EVP_MAC_CTX_free(context);
    EVP_MAC_free(algorithm);
    return ok;
}

int holdfast_constant_time_equal(const void *left, const void *right, size_t length) {
    if (length == 0) return 1;
    return CRYPTO_memcmp(left, right, length) == 0;
}

/* ---- RSA keys ---- */

struct holdfast_rsa_key {
    EVP_PKEY *key;
    int is_private;
};

static holdfast_rsa_key *wrap_rsa_key(EVP_PKEY *key, int is_private) {
    if (!key) return NULL;
    int bits = EVP_PKEY_get_bits(key);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || bits < RSA_BITS_MIN || bits > RSA_BITS_MAX) {
        EVP_PKEY_free(key);
        return NULL;
    }
    holdfast_rsa_key *wrapper = malloc(sizeof *wrapper);
    if (!wrapper) {
        EVP_PKEY_free(key);
        return NULL;
    }
    wrapper->key = key;
    wrapper->is_private = is_private;
    return wrapper;
}

static BIO *pem_bio(const char *pem, size_t length) {
    if (!pem || length == 0 || length > PEM_BYTES_MAX) return NULL;
    return BIO_new_mem_buf(pem, (int)length);
}

holdfast_rsa_key *holdfast_rsa_public_key_from_pem(const char *pem, size_t length) {
    BIO *bio = pem_bio(pem, length);
    if (!bio) return NULL;
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return wrap_rsa_key(key, 0);
}

holdfast_rsa_key *holdfast_rsa_private_key_from_pem(const char *pem, size_t length) {
    BIO *bio = pem_bio(pem, length);
    if (!bio) return NULL;
    /* A NULL password callback with an empty passphrase: encrypted keys are refused. */
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
    BIO_free(bio);
    return wrap_rsa_key(key, 1);
}

void holdfast_rsa_key_destroy(holdfast_rsa_key *key) {
    if (!key) return;
    EVP_PKEY_free(key->key);
    free(key);
}

size_t holdfast_rsa_key_signature_length(const holdfast_rsa_key *key) {
    int size = EVP_PKEY_get_size(key->key);
    return size > 0 ? (size_t)size : 0;
}

/* ---- RS256 ---- */

int holdfast_rsa_sha256_verify(const holdfast_rsa_key *key, const void *message, size_t message_length,
                               const void *signature, size_t signature_length) {
    if (!key || signature_length != holdfast_rsa_key_signature_length(key)) return 0;
    int valid = 0;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *key_context = NULL;
    if (context && EVP_DigestVerifyInit(context, &key_context, EVP_sha256(), NULL, key->key) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1) {
        valid = EVP_DigestVerify(context, signature, signature_length, message, message_length) == 1;
    }
    EVP_MD_CTX_free(context); /* frees key_context too */
    return valid;
}

int holdfast_rsa_sha256_sign(const holdfast_rsa_key *key, const void *message, size_t message_length,
                             uint8_t *signature, size_t signature_capacity, size_t *signature_length) {
    if (!key || !key->is_private || signature_capacity < holdfast_rsa_key_signature_length(key)) return 0;
    int ok = 0;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *key_context = NULL;
    size_t length = signature_capacity;
    if (context && EVP_DigestSignInit(context, &key_context, EVP_sha256(), NULL, key->key) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1 &&
        EVP_DigestSign(context, signature, &length, message, message_length) == 1) {
        *signature_length = length;
        ok = 1;
    }
    EVP_MD_CTX_free(context);
    return ok;
}

/* ---- Key generation ---- */

/* Copies the BIO's bytes into `out` as a NUL-terminated string. */
static int copy_bio(BIO *bio, char *out, size_t capacity) {
    char *data = NULL;
    long length = BIO_get_mem_data(bio, &data);
    if (length <= 0 || !data || (size_t)length + 1 > capacity) return 0;
    memcpy(out, data, (size_t)length);
    out[length] = '\0';
    return 1;
}

int holdfast_rsa_generate_pem(int bits, char *private_pem, size_t private_capacity, char *public_pem,
                              size_t public_capacity) {
    if (bits < RSA_BITS_MIN || bits > 8192) return 0;
    int ok = 0;
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
    BIO *private_bio = BIO_new(BIO_s_mem());
    BIO *public_bio = BIO_new(BIO_s_mem());
    if (context && private_bio && public_bio && EVP_PKEY_keygen_init(context) == 1 &&
        EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1 && EVP_PKEY_keygen(context, &key) == 1 &&
        PEM_write_bio_PrivateKey(private_bio, key, NULL, NULL, 0, NULL, NULL) == 1 &&
        PEM_write_bio_PUBKEY(public_bio, key) == 1) {
        ok = copy_bio(private_bio, private_pem, private_capacity) && copy_bio(public_bio, public_pem, public_capacity);
    }
    BIO_free(private_bio);
    BIO_free(public_bio);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(context);
    return ok;
}
