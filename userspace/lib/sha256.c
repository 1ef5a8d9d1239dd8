// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* SHA-256 of a buffer, in hex; see sha256.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "sha256.h"

int sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	hex[0] = '\0';
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen * 2 != SHA256_HEX_LEN)
		return -EIO;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}
