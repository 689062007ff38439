// The ELK layout engine, off the main thread: evaluated in a worker, ELK's
// own worker script installs its message handler on `self`.
import "elkjs/lib/elk-worker.min.js";
