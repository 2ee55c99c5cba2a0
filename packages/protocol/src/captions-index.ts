/** The caption part of the protocol: schemas, and the reader both the server and the transcoder use. */
export {
  CAPTION_KINDS,
  CAPTION_LABEL_MAX,
  CAPTION_SOURCES,
  captionListSchema,
  captionSchema,
  captionUpdateSchema,
  captionUploadFieldsSchema,
  languageTagSchema,
} from './api-captions.js';
export type { Caption, CaptionKind, CaptionList } from './api-captions.js';
export {
  CaptionFormatError,
  CaptionParseError,
  HLS_TIMESTAMP_MAP,
  formatVttTime,
  serializeWebVtt,
  timestampMapLine,
} from './caption-cues.js';
export type { CaptionCue } from './caption-cues.js';
export { parseSrt } from './parse-srt.js';
export { parseWebVtt } from './parse-webvtt.js';
export { CAPTION_FORMATS, readCaptionFile } from './read-caption-file.js';
export type { CaptionFormat, ReadCaptionFile } from './read-caption-file.js';
export { sanitizeCueText } from './sanitize-cue-text.js';
