/** Raw MQTT bytes for tests that must write what a real client library would never send. */

/** MQTT remaining-length encoding, 1–4 bytes [MQTT-2.2.3]. */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}
