import http from 'node:http';

// A small round-robin HTTP proxy: the stand-in for a load balancer in the scale-out benchmark.
const targets = (process.env.TARGETS ?? '').split(',').filter(Boolean).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let next = 0;
const server = http.createServer((req, res) => {
  const port = targets[next++ % targets.length]!;
  const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(upstream);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('proxy ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
