import { foldEvents } from '@pangolin/domain';
console.log(typeof foldEvents);
