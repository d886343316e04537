// Preloaded into the servers the benchmark starts (`--import`): if the benchmark process dies
// without cleaning up (SIGKILL), the server notices that its parent is gone and stops itself.
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) {
    process.kill(process.pid, "SIGTERM");
  }
}, 1000);
timer.unref();
