/**
 * Room names. Clients never name rooms: the server derives them from the verified token, and a
 * publisher derives them from the event's organisation and video.
 */
export function orgRoom(orgId: string): string {
  return `org:${orgId}`;
}

/** A video's room is scoped by its organisation too, so a token can never reach across orgs. */
export function videoRoom(orgId: string, videoId: string): string {
  return `org:${orgId}:video:${videoId}`;
}

/**
 * A member's own room, beside the organisation's: the server disconnects every socket in it at once
 * (on every instance, through the adapter) when the member is deactivated, deleted or changes role.
 */
export function userRoom(orgId: string, userId: string): string {
  return `org:${orgId}:user:${userId}`;
}

/** Every room an event about `videoId` of `orgId` goes to: the org's sockets and the video's. */
export function roomsFor(target: { orgId: string; videoId?: string | undefined }): string[] {
  return target.videoId
    ? [orgRoom(target.orgId), videoRoom(target.orgId, target.videoId)]
    : [orgRoom(target.orgId)];
}

/**
 * The Redis pub/sub key of the socket.io adapter and emitter. It carries REDIS_PREFIX because
 * channels are shared by every Redis database: two deployments (or test runs) on one Redis stay apart.
 */
export function adapterKey(redisPrefix: string): string {
  return `${redisPrefix}:socket.io`;
}
