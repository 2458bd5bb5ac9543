// class-transformer's metadata storage is a module of its own that the package does not
// re-export; its compiled file has no declarations beside it, they are under types/.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
