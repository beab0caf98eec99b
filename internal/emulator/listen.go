package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Listen serves the emulator on addr, which must resolve to loopback
// addresses only ("127.0.0.1:0" when empty): the emulator accepts a
// throwaway key and has no business on a network. It returns the API base
// URL, for example "http://127.0.0.1:8080/v1", and a function that stops
// the server.
func (e *Emulator) Listen(addr string) (baseURL string, shutdown func(context.Context) error, err error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("emulator address %q: %w", addr, err)
	}
	ip, err := loopbackIP(host)
	if err != nil {
		return "", nil, fmt.Errorf("emulator address %q: %w", addr, err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), port))
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		// Serve returns ErrServerClosed after shutdown; any other error
		// means the listener broke, which the next request will show.
		_ = srv.Serve(ln)
	}()
	return "http://" + ln.Addr().String() + "/v1", srv.Shutdown, nil
}

// loopbackIP resolves host and insists that every address it names is a
// loopback address, preferring IPv4.
func loopbackIP(host string) (net.IP, error) {
	if host == "" {
		return nil, errors.New("an empty host listens on every interface; use 127.0.0.1")
	}
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IP{ip}
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("host %q has no addresses", host)
	}
	var chosen net.IP
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("%s is not a loopback address; the emulator only listens on loopback", ip)
		}
		if chosen == nil || (chosen.To4() == nil && ip.To4() != nil) {
			chosen = ip
		}
	}
	return chosen, nil
}
