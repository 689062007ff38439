/** Runs once when the server starts; the Node.js part lives in its own module. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./server/start");
    await startServer();
  }
}
