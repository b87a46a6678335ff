// `npm run synth`: dist/synth.js when it is fresh, else src/cli/synth-main.ts (launch.mjs); both run on import.
import { load } from './launch.mjs';

await load('synth', 'src/cli/synth-main.ts');
