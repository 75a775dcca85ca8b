/** Writes lines to a stream, those of one tick of the event loop in one write. */
export function lineWriter(stream: NodeJS.WritableStream): (line: string) => void {
  let pending = '';
  return (line) => {
    if (!pending) {
      process.nextTick(() => {
        const text = pending;
        pending = '';
        stream.write(text);
      });
    }
    pending += `${line}\n`;
  };
}
