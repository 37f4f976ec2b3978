// ESM entry point: the same client as the CommonJS one (`import Mags from 'mags-sdk'`).
import Mags from './index.js';

export default Mags;
export const { MagsError } = Mags;
export { Mags };
