import { S3Client, UNSIGNED } from './lib/client.mjs';
const [endpoint, n = '20000', conc = '32'] = process.argv.slice(2);
const c = new S3Client({ endpoint, accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY', region: 'us-east-1' });
await c.request({ method: 'PUT', path: '/head-bucket', consume: 'text' });
await c.request({ method: 'PUT', path: '/head-bucket/obj', body: Buffer.alloc(4096, 1), payloadHash: UNSIGNED, consume: 'text' });
let left = +n; const t = performance.now();
await Promise.all(Array.from({ length: +conc }, async () => { while (left-- > 0) { const r = await c.request({ method: 'HEAD', path: '/head-bucket/obj' }); if (r.status !== 200) throw new Error(String(r.status)); } }));
console.log(Math.round(+n / ((performance.now() - t) / 1000)), 'HEAD/s');
c.close();
