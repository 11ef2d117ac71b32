import { limits, type ConversationDto } from '@feige/protocol';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';
import { TextField } from '../common/TextField';

/**
 * A setting saved on change. It shows the new value at once while the request runs, then whatever the server's
 * answer (or, on failure, the unchanged state) says.
 */
function Toggle({ label, checked, busy, onChange }: { label: string; checked: boolean; busy: boolean; onChange: (on: boolean) => Promise<unknown> }) {
  const [pending, setPending] = useState<boolean | null>(null);
  return (
    <label className="toggle">
      <input
        type="checkbox"
        checked={pending ?? checked}
        disabled={busy}
        onChange={(e) => {
          setPending(e.target.checked);
          void onChange(e.target.checked).finally(() => setPending(null));
        }}
      />
      <span>{label}</span>
    </label>
  );
}

/** My own settings of this group (mute, pin, my name here) and, for the owner, the group's. */
export function GroupSettings({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const ownerHeadingId = useId();
  const meId = useAppState((s) => s.me?.id ?? null);
  const myNickname = useAppState((s) => s.members[conversation.id]?.find((m) => m.user.id === meId)?.nickname ?? '');
  const [nickname, setNickname] = useState(myNickname);
  const group = conversation.group;
  const mine = useAction((settings: { muted?: boolean; pinned?: boolean }) => app.groups.updateMySettings(conversation.id, settings));
  const saveNickname = useAction(() => app.groups.updateMySettings(conversation.id, { nickname }));
  const groupSettings = useAction((settings: { inviteApproval?: boolean; historyVisibility?: 'all' | 'joined' }) =>
    app.groups.updateGroupSettings(conversation.id, settings),
  );

  // Loaded (or changed on another device) after the field was shown: take the stored name.
  useEffect(() => setNickname(myNickname), [myNickname]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void saveNickname.run();
  }

  return (
    <>
      <section className="panel-section" aria-labelledby={headingId}>
        <h3 id={headingId}>{t('groups.mySettingsHeading')}</h3>
        <Toggle label={t('groups.mute')} checked={conversation.muted} busy={mine.busy} onChange={(muted) => mine.run({ muted })} />
        <Toggle label={t('groups.pin')} checked={conversation.pinned} busy={mine.busy} onChange={(pinned) => mine.run({ pinned })} />
        <ErrorMessage error={mine.error} />
        <form className="stack nickname-form" onSubmit={onSubmit}>
          <TextField
            label={t('groups.nickname')}
            value={nickname}
            onValueChange={setNickname}
            hint={t('groups.nicknameHint')}
            maxLength={limits.groupNicknameMax * 4}
            autoComplete="off"
          />
          <ErrorMessage error={saveNickname.error} />
          <button type="submit" className="button button--ghost button--small" disabled={saveNickname.busy || nickname.trim() === myNickname}>
            {t('groups.saveNickname')}
          </button>
        </form>
      </section>
      {group?.myRole === 'owner' ? (
        <section className="panel-section" aria-labelledby={ownerHeadingId}>
          <h3 id={ownerHeadingId}>{t('groups.groupSettingsHeading')}</h3>
          <Toggle
            label={t('groups.inviteApproval')}
            checked={group.inviteApproval}
            busy={groupSettings.busy}
            onChange={(inviteApproval) => groupSettings.run({ inviteApproval })}
          />
          <Toggle
            label={t('groups.historyAll')}
            checked={group.historyVisibility === 'all'}
            busy={groupSettings.busy}
            onChange={(all) => groupSettings.run({ historyVisibility: all ? 'all' : 'joined' })}
          />
          <ErrorMessage error={groupSettings.error} />
        </section>
      ) : null}
    </>
  );
}
