// osthreads: eight goroutines each blocked in a raw nanosleep hold eight OS threads, so the Go
// runtime creates threads until it has them, or dies with its own "failed to create new OS
// thread" when RLIMIT_NPROC refuses one (test/linux/limits.test.ts, natively under ulimit -u).
package main

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

func main() {
	runtime.GOMAXPROCS(2)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts := syscall.Timespec{Sec: 1}
			syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
		}()
	}
	wg.Wait()
	fmt.Println("done")
}
