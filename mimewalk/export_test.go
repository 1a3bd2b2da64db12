package mimewalk

// Work returns the bytes w's delimiter search has examined so far.
func Work(w *Reader) int64 { return w.work }
