const { PGlite } = require('@electric-sql/pglite');
const fs = require('fs');
const conf = ['shared_buffers = 16MB'];
const mode = process.argv[2];
(async () => {
  let t = Date.now();
  if (mode === 'init') {
    fs.rmSync('/tmp/tpl', {recursive:true, force:true});
    const db = await PGlite.create({ dataDir: '/tmp/tpl', postgresqlconf: conf });
    console.log('init file', Date.now() - t);
    const blob = await db.dumpDataDir('none');
    fs.writeFileSync('/tmp/tpl.tar', Buffer.from(await blob.arrayBuffer()));
    await db.close();
  } else if (mode === 'load') {
    fs.rmSync('/tmp/x', {recursive:true, force:true});
    const db = await PGlite.create({ dataDir: '/tmp/x', loadDataDir: new Blob([fs.readFileSync('/tmp/tpl.tar')]), postgresqlconf: conf });
    await db.query('select 1');
    console.log('load file', Date.now() - t, 'rss', process.memoryUsage().rss/1e6|0);
    await db.close();
  } else if (mode === 'copy') {
    fs.rmSync('/tmp/y', {recursive:true, force:true});
    fs.cpSync('/tmp/tpl', '/tmp/y', {recursive:true});
    console.log('copied', Date.now()-t);
    const db = await PGlite.create({ dataDir: '/tmp/y', postgresqlconf: conf });
    await db.query('select 1');
    console.log('copy+open', Date.now() - t, 'rss', process.memoryUsage().rss/1e6|0);
    await db.close();
  } else if (mode === 'memload') {
    const db = await PGlite.create({ loadDataDir: new Blob([fs.readFileSync('/tmp/tpl.tar')]), postgresqlconf: conf });
    await db.query('select 1');
    console.log('mem load', Date.now() - t, 'rss', process.memoryUsage().rss/1e6|0);
  } else if (mode === 'open') {
    const db = await PGlite.create({ dataDir: '/tmp/y', postgresqlconf: conf });
    await db.query('select 1');
    console.log('open', Date.now() - t, 'rss', process.memoryUsage().rss/1e6|0);
  }
})();
