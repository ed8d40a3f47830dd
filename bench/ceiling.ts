import { createServer } from 'node:http';

// The ceiling: a bare node:http hello world on the same machine, measured in the same run.
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello world');
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ceiling ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
