interface ImportMetaEnv {
  readonly VITE_CDP_WRITE_KEY?: string
  readonly VITE_CDP_ENDPOINT?: string
}
interface ImportMeta {
  readonly env: ImportMetaEnv
}
