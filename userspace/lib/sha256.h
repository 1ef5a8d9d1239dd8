/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* SHA-256 of a buffer, in hex (OpenSSL's libcrypto, as the chain uses). */
#ifndef INPUTAUDITD_SHA256_H
#define INPUTAUDITD_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN		64

/**
 * sha256_hex() - lowercase hex SHA-256 of @len bytes at @data
 * @data: the bytes
 * @len: how many
 * @hex: SHA256_HEX_LEN + 1 bytes, NUL terminated
 *
 * Return: 0, or -EIO if OpenSSL failed (@hex is then "").
 */
int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif /* INPUTAUDITD_SHA256_H */
