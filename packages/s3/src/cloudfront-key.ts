/**
 * The key CloudFront checks signatures with: the id of a public key in a trusted key group (or a
 * legacy key pair id) and the matching RSA private key. Read once, at start-up, so a bad key is a
 * clear configuration error, not a 500 on the first download; and kept as a KeyObject, so no
 * signature parses the PEM again (that parsing costs about twice the RSA signature itself).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { configInvalid } from '@sendoff/core';

export interface CloudFrontKeyOptions {
  /** Id of the public key in the distribution's trusted key group (`K2JCJMDEHXQW5F`), or a legacy key pair id. */
  keyPairId: string;
  /** The RSA private key, PEM (PKCS#1 or PKCS#8). */
  privateKey: string | Buffer;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
}

export interface CloudFrontKey {
  keyPairId: string;
  privateKey: KeyObject;
}

const KEY_PAIR_ID = /^[A-Za-z0-9]{1,128}$/;

export function cloudFrontKeyOf(options: CloudFrontKeyOptions, name: string): CloudFrontKey {
  if (typeof options.keyPairId !== 'string' || !KEY_PAIR_ID.test(options.keyPairId)) {
    throw configInvalid(`${name}: keyPairId must be the id of a CloudFront public key (letters and digits)`);
  }
  let key;
  try {
    key = createPrivateKey(options.passphrase === undefined ? { key: options.privateKey } : { key: options.privateKey, passphrase: options.passphrase });
  } catch (error) {
    throw configInvalid(`${name}: privateKey is not a readable private key`, error);
  }
  if (key.asymmetricKeyType !== 'rsa') throw configInvalid(`${name}: privateKey must be an RSA key (CloudFront signs with RSA-SHA1)`);
  return { keyPairId: options.keyPairId, privateKey: key };
}
