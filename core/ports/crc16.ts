/**
 * CRC-16/MODBUS: poly 0x8005 (reflected 0xA001), init 0xFFFF, refin/refout true, xorout 0x0000,
 * check value 0x4B37 for ASCII "123456789" (catalogue of parametrised CRC algorithms, reveng).
 * It is the CRC RS-485 field devices already use (Modbus RTU), and detects every burst of <= 16 bits.
 */
const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
}

export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  }
  return crc;
}
