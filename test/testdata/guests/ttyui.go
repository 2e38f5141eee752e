// An interactive terminal program for the tmux tests (issue 19, item 2), written against the
// system calls alone (no golang.org/x/term): termios through TCGETS/TCSETS*, the window size
// through TIOCGWINSZ and SIGWINCH, the foreground process group through TIOCGPGRP, keys from
// /dev/tty as fzf reads them. Modes:
//   pick     a list filtered by what is typed (items from stdin when it is not a terminal), moved
//            through with the arrow keys or Ctrl-N/Ctrl-P, Enter prints the choice; raw mode
//   keys     cbreak mode (no echo, no line editing, signals on): each key is shown until q
//   password canonical mode without echo: one line read and its length shown
//   line     the terminal as it was: one line read with the terminal's own echo
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unsafe"
)

// TCSETSW and TCSETSF (not in package syscall): set after output drains, and also drop pending input.
const tcsetsw, tcsetsf = 0x5403, 0x5404

func ioctl(fd uintptr, req uintptr, arg unsafe.Pointer) error {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

func getTermios(fd uintptr) (syscall.Termios, error) {
	var t syscall.Termios
	err := ioctl(fd, syscall.TCGETS, unsafe.Pointer(&t))
	return t, err
}

func setTermios(fd uintptr, req uintptr, t *syscall.Termios) {
	if err := ioctl(fd, req, unsafe.Pointer(t)); err != nil {
		fmt.Fprintln(os.Stderr, "ttyui: TCSETS:", err)
		os.Exit(2)
	}
}

type winsize struct{ rows, cols, x, y uint16 }

func size(fd uintptr) (int, int) {
	var w winsize
	if err := ioctl(fd, syscall.TIOCGWINSZ, unsafe.Pointer(&w)); err != nil {
		return 0, 0
	}
	return int(w.rows), int(w.cols)
}

func main() {
	mode := "pick"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "pick":
		pick()
	case "keys":
		keys()
	case "password", "line":
		line(mode == "password")
	default:
		fmt.Fprintln(os.Stderr, "ttyui: unknown mode", mode)
		os.Exit(2)
	}
}

func line(password bool) {
	old, err := getTermios(0)
	if err != nil {
		fmt.Println("stdin is not a terminal:", err)
		os.Exit(1)
	}
	if password {
		t := old
		t.Lflag &^= syscall.ECHO
		setTermios(0, tcsetsw, &t)
		defer setTermios(0, tcsetsw, &old)
	}
	fmt.Printf("echo %v, canonical %v; type a line: ", old.Lflag&syscall.ECHO != 0 && !password, old.Lflag&syscall.ICANON != 0)
	s, err := bufio.NewReader(os.Stdin).ReadString('\n')
	fmt.Printf("\nread %d bytes (%v): %q\n", len(s), err, s)
}

func keys() {
	old, err := getTermios(0)
	if err != nil {
		fmt.Println("stdin is not a terminal:", err)
		os.Exit(1)
	}
	t := old
	t.Lflag &^= syscall.ICANON | syscall.ECHO
	t.Cc[syscall.VMIN], t.Cc[syscall.VTIME] = 1, 0
	setTermios(0, tcsetsf, &t)
	defer setTermios(0, syscall.TCSETS, &old)
	var pgrp int32
	fg := ioctl(0, syscall.TIOCGPGRP, unsafe.Pointer(&pgrp)) == nil && int(pgrp) == syscall.Getpgrp()
	fmt.Printf("cbreak mode, foreground %v; q ends\n", fg)
	b := make([]byte, 16)
	for {
		n, err := os.Stdin.Read(b)
		if err != nil || n == 0 {
			fmt.Println("read:", n, err)
			return
		}
		fmt.Printf("key %q\n", b[:n])
		if b[0] == 'q' {
			return
		}
	}
}

type picker struct {
	tty        *os.File
	items      []string
	query      string
	cur        int
	rows, cols int
}

func (p *picker) shown() []string {
	var out []string
	for _, it := range p.items {
		if strings.Contains(it, p.query) {
			out = append(out, it)
		}
	}
	return out
}

func (p *picker) draw() {
	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J")
	shown := p.shown()
	fmt.Fprintf(&b, "%d/%d  size %dx%d\r\n", len(shown), len(p.items), p.rows, p.cols)
	for i, it := range shown {
		if i+3 > p.rows {
			break
		}
		mark := "  "
		if i == p.cur {
			mark = "> "
		}
		fmt.Fprintf(&b, "%s%s\r\n", mark, it)
	}
	fmt.Fprintf(&b, "\x1b[%d;1Hquery: %s", p.rows, p.query)
	p.tty.WriteString(b.String())
}

func pick() {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ttyui:", err)
		os.Exit(2)
	}
	p := &picker{tty: tty, items: []string{"apple", "banana", "cherry", "damson", "elderberry", "fig", "grape"}}
	if _, err := getTermios(0); err != nil {
		p.items = nil
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			p.items = append(p.items, sc.Text())
		}
	}
	fd := tty.Fd()
	old, err := getTermios(fd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ttyui: /dev/tty:", err)
		os.Exit(2)
	}
	raw := old
	raw.Iflag &^= syscall.IGNBRK | syscall.BRKINT | syscall.PARMRK | syscall.ISTRIP | syscall.INLCR | syscall.IGNCR | syscall.ICRNL | syscall.IXON
	raw.Oflag &^= syscall.OPOST
	raw.Lflag &^= syscall.ECHO | syscall.ECHONL | syscall.ICANON | syscall.ISIG | syscall.IEXTEN
	raw.Cflag &^= syscall.CSIZE | syscall.PARENB
	raw.Cflag |= syscall.CS8
	raw.Cc[syscall.VMIN], raw.Cc[syscall.VTIME] = 1, 0
	setTermios(fd, tcsetsf, &raw)
	if got, _ := getTermios(fd); got.Lflag&(syscall.ICANON|syscall.ECHO|syscall.ISIG) != 0 || got.Oflag&syscall.OPOST != 0 {
		fmt.Fprintln(os.Stderr, "ttyui: raw mode did not stick")
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	keys := make(chan []byte)
	go func() {
		for {
			b := make([]byte, 64)
			n, err := tty.Read(b)
			if err != nil {
				close(keys)
				return
			}
			keys <- b[:n]
		}
	}()
	p.rows, p.cols = size(fd)
	p.draw()
	end := func(status int, chosen string) {
		setTermios(fd, tcsetsw, &old)
		tty.WriteString("\x1b[H\x1b[2J")
		if chosen != "" {
			fmt.Println(chosen)
		}
		os.Exit(status)
	}
	pending := ""
	for {
		select {
		case <-winch:
			p.rows, p.cols = size(fd)
		case b, ok := <-keys:
			if !ok {
				end(1, "")
			}
			pending += string(b)
			for pending != "" {
				switch {
				case strings.HasPrefix(pending, "\x1b[A"), pending[0] == 0x10:
					if p.cur > 0 {
						p.cur--
					}
				case strings.HasPrefix(pending, "\x1b[B"), pending[0] == 0x0e:
					if p.cur+1 < len(p.shown()) {
						p.cur++
					}
				case pending[0] == '\r':
					if s := p.shown(); p.cur < len(s) {
						end(0, s[p.cur])
					}
					end(1, "")
				case pending[0] == 0x03:
					end(130, "")
				case pending[0] == 0x7f:
					if p.query != "" {
						p.query = p.query[:len(p.query)-1]
						p.cur = 0
					}
				case pending[0] >= ' ' && pending[0] < 0x7f:
					p.query += pending[:1]
					p.cur = 0
				}
				if strings.HasPrefix(pending, "\x1b[") && len(pending) >= 3 {
					pending = pending[3:]
				} else if pending[0] == 0x1b && len(pending) < 3 {
					break
				} else {
					pending = pending[1:]
				}
			}
		}
		p.draw()
	}
}
