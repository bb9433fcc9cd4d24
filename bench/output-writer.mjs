// A fast, verifiable output producer for the output benchmark and tests.
// usage: node output-writer.mjs ID LINES [LINE_BYTES=100] [MODE=block|line] [STREAM=1|2]
// Each line is "ID SEQ xxxx…\n" (SEQ zero-padded to 9 digits), exactly LINE_BYTES long, so a
// reader can check that every line arrived whole, once, in order. MODE block writes 64 KiB
// blocks that cut lines anywhere (like a block-buffered program); MODE line writes each line
// with its own write(2) (like a line-buffered one).
import { writeSync } from 'node:fs';

const [id = 'w', linesArg = '1000', bytesArg = '100', mode = 'block', streamArg = '1'] = process.argv.slice(2);
const lines = Number(linesArg);
const lineBytes = Number(bytesArg);
const fd = Number(streamArg);
const headLen = id.length + 11; // "ID " + 9 digits + " "
if (lineBytes < headLen + 1) throw new Error(`LINE_BYTES must be at least ${headLen + 1}`);
const filler = 'x'.repeat(lineBytes - headLen - 1);
const BLOCK = 64 * 1024;

function writeAll(buf) {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

if (mode === 'line') {
  for (let i = 0; i < lines; i++) writeAll(Buffer.from(`${id} ${String(i).padStart(9, '0')} ${filler}\n`));
} else {
  const perBlock = Math.max(1, Math.floor((BLOCK * 4) / lineBytes));
  let pending = Buffer.alloc(0);
  for (let i = 0; i < lines; ) {
    let s = '';
    const end = Math.min(lines, i + perBlock);
    for (; i < end; i++) s += `${id} ${String(i).padStart(9, '0')} ${filler}\n`;
    pending = Buffer.concat([pending, Buffer.from(s)]);
    // Write in 64 KiB blocks regardless of line boundaries; keep the tail for the next round.
    let off = 0;
    while (pending.length - off >= BLOCK) {
      writeAll(pending.subarray(off, off + BLOCK));
      off += BLOCK;
    }
    pending = pending.subarray(off);
  }
  if (pending.length > 0) writeAll(pending);
}
