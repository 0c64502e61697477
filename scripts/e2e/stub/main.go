// Command stub stands in for a XiVO service image in the end-to-end suite. It listens on every
// port given in /stub/ports (one per line) and answers each HTTP request with a JSON document:
// its service name (/stub/name), the request's method, path, Host and forwarding headers, and
// the environment it was started with, so routing and wiring can be asserted from the answer.
//
// GET [prefix]/__stub/file?path=P answers the content of the file P in the container (xuc.conf).
// A WebSocket upgrade request is answered 101 with the RFC 6455 accept key, then closed.
// With arguments, it runs them instead (so one-shot jobs of the real image's entrypoint fail
// loudly rather than pretend): `stub exit N` exits with N.
package main

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
)

const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

func readLines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == "exit" {
		code, _ := strconv.Atoi(os.Args[2])
		os.Exit(code)
	}
	name := "stub"
	if l := readLines("/stub/name"); len(l) > 0 {
		name = l[0]
	}
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	handler := func(port string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + websocketGUID))
				w.Header().Set("Upgrade", "websocket")
				w.Header().Set("Connection", "Upgrade")
				w.Header().Set("Sec-WebSocket-Accept", base64.StdEncoding.EncodeToString(sum[:]))
				w.Header().Set("X-Stub-Service", name)
				w.WriteHeader(http.StatusSwitchingProtocols)
				return
			}
			// Any prefix: a front forwards /xuc/__stub/file with its route prefix.
			if strings.HasSuffix(r.URL.Path, "/__stub/file") {
				data, err := os.ReadFile(r.URL.Query().Get("path"))
				if err != nil {
					http.Error(w, err.Error(), http.StatusNotFound)
					return
				}
				w.Header().Set("Content-Type", "text/plain")
				w.Write(data)
				return
			}
			headers := map[string]string{}
			for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-Ip", "Cookie"} {
				if v := r.Header.Get(h); v != "" {
					headers[h] = v
				}
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Stub-Service", name)
			json.NewEncoder(w).Encode(map[string]any{
				"service": name, "port": port, "method": r.Method, "path": r.URL.RequestURI(),
				"host": r.Host, "headers": headers, "env": env,
			})
		}
	}
	ports := readLines("/stub/ports")
	sort.Strings(ports)
	if len(ports) == 0 {
		log.Fatal("stub: no port in /stub/ports")
	}
	errs := make(chan error)
	for _, p := range ports {
		go func(p string) {
			errs <- http.ListenAndServe(":"+p, handler(p))
		}(p)
	}
	fmt.Fprintf(os.Stderr, "stub %s listening on %s\n", name, strings.Join(ports, ","))
	log.Fatal(<-errs)
}
