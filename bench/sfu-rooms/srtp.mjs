// SRTP (RFC 3711, RFC 7714) for the bench's own RTP senders and receivers,
// on Node's crypto. Only what the bench needs: protect RTP towards mediasoup
// and check mediasoup's SRTP in return (libsrtp on the other side is the judge:
// a wrong packet is dropped there, so the figures show it at once).
// Key derivation rate 0, no MKI, ROC kept by the caller.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Crypto suites as mediasoup names them, with master key and salt lengths. */
export const SRTP_SUITES = {
  AES_CM_128_HMAC_SHA1_80: { keyLen: 16, saltLen: 14, aead: false, tagLen: 10 },
  AES_CM_128_HMAC_SHA1_32: { keyLen: 16, saltLen: 14, aead: false, tagLen: 4 },
  AEAD_AES_128_GCM: { keyLen: 16, saltLen: 12, aead: true, tagLen: 16 },
  AEAD_AES_256_GCM: { keyLen: 32, saltLen: 12, aead: true, tagLen: 16 },
};

/** Fresh master key + salt, base64 as mediasoup's SrtpParameters.keyBase64. */
export function randomSrtpParameters(cryptoSuite) {
  const suite = SRTP_SUITES[cryptoSuite];
  if (!suite) throw new Error(`unknown SRTP crypto suite ${cryptoSuite}`);
  return { cryptoSuite, keyBase64: randomBytes(suite.keyLen + suite.saltLen).toString('base64') };
}

/** RFC 3711 §4.3.1 (and RFC 7714 §11: the 96-bit salt is zero-padded to 112). */
function deriveSessionKey(masterKey, masterSalt, label, length) {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0, 0, Math.min(14, masterSalt.length));
  iv[7] ^= label;
  const prf = createCipheriv(`aes-${masterKey.length * 8}-ctr`, masterKey, iv);
  return prf.update(Buffer.alloc(length));
}

/** Length of the RTP header, CSRCs and header extension included. */
export function rtpHeaderLength(packet) {
  let len = 12 + 4 * (packet[0] & 0x0f);
  if (packet[0] & 0x10) len += 4 + 4 * packet.readUInt16BE(len + 2);
  return len;
}

/**
 * One direction of SRTP for RTP packets (not RTCP: the bench sends none and
 * skips the SRTCP it receives).
 */
export class SrtpContext {
  constructor({ cryptoSuite, keyBase64 }) {
    const suite = SRTP_SUITES[cryptoSuite];
    if (!suite) throw new Error(`unknown SRTP crypto suite ${cryptoSuite}`);
    const material = Buffer.from(keyBase64, 'base64');
    if (material.length !== suite.keyLen + suite.saltLen) {
      throw new Error(`${cryptoSuite} needs ${suite.keyLen + suite.saltLen} bytes of key material, got ${material.length}`);
    }
    const masterKey = material.subarray(0, suite.keyLen);
    const masterSalt = material.subarray(suite.keyLen);
    this.suite = suite;
    this.cipherName = suite.aead ? `aes-${suite.keyLen * 8}-gcm` : `aes-${suite.keyLen * 8}-ctr`;
    this.encKey = deriveSessionKey(masterKey, masterSalt, 0x00, suite.keyLen);
    this.authKey = suite.aead ? null : deriveSessionKey(masterKey, masterSalt, 0x01, 20);
    this.salt = deriveSessionKey(masterKey, masterSalt, 0x02, suite.saltLen);
  }

  get overhead() {
    return this.suite.tagLen;
  }

  iv(ssrc, roc, seq) {
    if (this.suite.aead) {
      // RFC 7714 §8.1: 00 00 | SSRC | ROC | SEQ, xor the 12-byte session salt.
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(roc, 6);
      iv.writeUInt16BE(seq, 10);
      for (let i = 0; i < 12; i++) iv[i] ^= this.salt[i];
      return iv;
    }
    // RFC 3711 §4.1.1: salt·2^16 ⊕ SSRC·2^64 ⊕ (ROC‖SEQ)·2^16.
    const iv = Buffer.alloc(16);
    this.salt.copy(iv, 0);
    iv[4] ^= ssrc >>> 24; iv[5] ^= (ssrc >>> 16) & 0xff; iv[6] ^= (ssrc >>> 8) & 0xff; iv[7] ^= ssrc & 0xff;
    iv[8] ^= roc >>> 24; iv[9] ^= (roc >>> 16) & 0xff; iv[10] ^= (roc >>> 8) & 0xff; iv[11] ^= roc & 0xff;
    iv[12] ^= seq >>> 8; iv[13] ^= seq & 0xff;
    return iv;
  }

  /** Returns a new buffer: header ‖ encrypted payload ‖ tag. */
  protect(packet, roc) {
    const hdrLen = rtpHeaderLength(packet);
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const out = Buffer.allocUnsafe(packet.length + this.suite.tagLen);
    packet.copy(out, 0, 0, hdrLen);
    const cipher = createCipheriv(this.cipherName, this.encKey, this.iv(ssrc, roc, seq));
    if (this.suite.aead) cipher.setAAD(packet.subarray(0, hdrLen));
    const body = cipher.update(packet.subarray(hdrLen));
    body.copy(out, hdrLen);
    if (this.suite.aead) {
      cipher.final();
      cipher.getAuthTag().copy(out, packet.length);
    } else {
      const mac = createHmac('sha1', this.authKey);
      mac.update(out.subarray(0, packet.length));
      mac.update(rocBytes(roc));
      mac.digest().copy(out, packet.length, 0, this.suite.tagLen);
    }
    return out;
  }

  /** Checks the tag and decrypts; returns the plain RTP packet or null. */
  unprotect(packet, roc) {
    const tagLen = this.suite.tagLen;
    const hdrLen = rtpHeaderLength(packet);
    if (packet.length < hdrLen + tagLen) return null;
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const body = packet.subarray(hdrLen, packet.length - tagLen);
    const tag = packet.subarray(packet.length - tagLen);
    const decipher = createDecipheriv(this.cipherName, this.encKey, this.iv(ssrc, roc, seq));
    let plain;
    if (this.suite.aead) {
      decipher.setAAD(packet.subarray(0, hdrLen));
      decipher.setAuthTag(tag);
      plain = decipher.update(body);
      try {
        decipher.final();
      } catch {
        return null;
      }
    } else {
      const mac = createHmac('sha1', this.authKey);
      mac.update(packet.subarray(0, packet.length - tagLen));
      mac.update(rocBytes(roc));
      if (!timingSafeEqual(mac.digest().subarray(0, tagLen), tag)) return null;
      plain = decipher.update(body);
    }
    return Buffer.concat([packet.subarray(0, hdrLen), plain]);
  }
}

function rocBytes(roc) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(roc >>> 0);
  return b;
}

// RFC 3711 Appendix B.3 key derivation vectors, run with `node bench/sfu-rooms/srtp.mjs`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const masterKey = Buffer.from('E1F97A0D3E018BE0D64FA32C06DE4139', 'hex');
  const masterSalt = Buffer.from('0EC675AD498AFEEBB6960B3AABE6', 'hex');
  const checks = [
    ['cipher key', deriveSessionKey(masterKey, masterSalt, 0, 16), 'C61E7A93744F39EE10734AFE3FF7A087'],
    ['cipher salt', deriveSessionKey(masterKey, masterSalt, 2, 14), '30CBBC08863D8C85D49DB34A9AE1'],
    ['auth key', deriveSessionKey(masterKey, masterSalt, 1, 20), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4'],
  ];
  let failed = 0;
  for (const [name, got, want] of checks) {
    const ok = got.toString('hex').toUpperCase() === want;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} ${got.toString('hex').toUpperCase()}`);
  }
  for (const cryptoSuite of Object.keys(SRTP_SUITES)) {
    const params = randomSrtpParameters(cryptoSuite);
    const packet = Buffer.concat([Buffer.from('80650001000003e8deadbeef', 'hex'), randomBytes(200)]);
    const back = new SrtpContext(params).unprotect(new SrtpContext(params).protect(packet, 3), 3);
    const ok = back !== null && back.equals(packet);
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${cryptoSuite} round trip`);
  }
  process.exit(failed ? 1 : 0);
}
