// :shortcode: -> emoji from Slack's own set (emoji-data.js is generated from the emoji-datasource package);
// codes Slack does not know stay as typed.
import { EMOJI } from './emoji-data.js';

export function emojify(text) {
  return text.replace(/:([a-z0-9_+'-]+):/g, (code, name) =>
    Object.hasOwn(EMOJI, name) ? EMOJI[name] : code,
  );
}
