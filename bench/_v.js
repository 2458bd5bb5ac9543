process.chdir('/work/main');
require('/work/main/node_modules/reflect-metadata');
const { ValidationPipe } = require('/work/main/node_modules/@nestjs/common');
require('/work/main/dist/app.module.js'); // load all DTOs so the metadata storage is realistic
const { ApiKeyVerifyDto } = require('/work/main/dist/api-keys/dto/api-key.dto.js');
const cv = require('/work/main/node_modules/class-validator');
const ct = require('/work/main/node_modules/class-transformer');
const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, transform: true });
const meta = { type: 'body', metatype: ApiKeyVerifyDto };
const body = () => ({ key: 'gk_live_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH' });
console.log('metadata classes', cv.getMetadataStorage().validationMetadatas.size);
async function time(name, fn, n = 200000) {
  for (let i = 0; i < 20000; i++) await fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), 'µs');
}
(async () => {
  await time('nest pipe', () => pipe.transform(body(), meta));
  await time('plainToInstance', () => ct.plainToInstance(ApiKeyVerifyDto, body()));
  const opts = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
  await time('validate', () => cv.validate(ct.plainToInstance(ApiKeyVerifyDto, body()), opts));
  await time('validateSync', () => cv.validateSync(ct.plainToInstance(ApiKeyVerifyDto, body()), opts));
  const s = cv.getMetadataStorage();
  await time('getTargetValidationMetadatas', () => s.getTargetValidationMetadatas(ApiKeyVerifyDto, '', true, false, undefined));
})();
