// Types of bundles.mjs for the TypeScript tests that call the set-up's build.
export interface BundleOutputs {
  sdkOut: string;
  embedOut: string;
  files: string[];
  stamp: string;
}
export type BundleName = 'sdk' | 'sdk-iife' | 'sdk-types' | 'embed' | 'embed-iife' | 'embed-types';
export function bundleInputs(): string[];
export function bundleHash(): string;
export function bundleOutputs(options?: { outRoot?: string }): BundleOutputs;
export function buildBundles(options?: { outRoot?: string; only?: BundleName[] }): Promise<BundleOutputs>;
export function ensureBundles(options?: { outRoot?: string }): Promise<BundleOutputs>;
