/** `.lag` files are bundled as text (esbuild's text loader, see build.mjs). */
declare module "*.lag" {
  const text: string;
  export default text;
}

/** The repository's examples/*.lag, collected at build time by build.mjs. */
declare module "virtual:examples" {
  const examples: readonly { name: string; text: string }[];
  export default examples;
}
