import type { WebClient } from '@slack/web-api';
import type { UsergroupMembers } from './access.js';

/** The two Slack calls the audit commands need beyond respond(): user group members and a DM upload. */

export function usergroupMembers(client: WebClient): UsergroupMembers {
  return async (usergroup) => {
    const res = await client.usergroups.users.list({ usergroup });
    return res.users ?? [];
  };
}

export interface UploadFile {
  readonly path: string;
  readonly filename: string;
  readonly title: string;
  readonly comment: string;
}

/**
 * Uploads a file into the user's direct message with the app (conversations.open, then
 * files.uploadV2, which calls files.getUploadURLExternal and files.completeUploadExternal).
 * Audit data goes to the person who asked, not to a channel where others may read it.
 */
export async function uploadToUser(
  client: WebClient,
  userId: string,
  file: UploadFile,
): Promise<string | undefined> {
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('could not open a direct message with you');
  const res = await client.files.uploadV2({
    channel_id: channel,
    file: file.path,
    filename: file.filename,
    title: file.title,
    initial_comment: file.comment,
  });
  const completed = (res as { files?: { files?: { id?: string }[] }[] }).files?.[0]?.files?.[0]?.id;
  return completed;
}
