import type { Image } from './image.type.js';

/** Sort key of images in every list: newest first, then host, then ID (so pages are stable). */
export function imageSortKey(image: Image): (string | number)[] {
  return [-image.created.getTime(), image.hostName, image.imageId];
}

export function compareByKey(a: Image, b: Image): number {
  const x = imageSortKey(a);
  const y = imageSortKey(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}
