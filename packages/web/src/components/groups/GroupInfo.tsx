import { limits, type ConversationDto } from '@feige/protocol';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { titleOf } from '../../store/conversations';
import { useApp, useAppState } from '../../store/react';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorMessage } from '../common/ErrorMessage';
import { TextField } from '../common/TextField';
import { GroupMembers } from './GroupMembers';
import { GroupSettings } from './GroupSettings';
import { InviteLinks } from './InviteLinks';
import { JoinRequests } from './JoinRequests';

/** Title and, for admins, renaming. */
function GroupTitle({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState('');
  const rename = useAction(async () => {
    await app.groups.rename(conversation.id, title.trim());
    setEditing(false);
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void rename.run();
  }

  if (!editing) {
    return (
      <div className="group-title">
        <p className="group-title-text">{titleOf(conversation)}</p>
        {conversation.group?.myRole !== 'member' && (
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => {
            setTitle(titleOf(conversation));
            setEditing(true);
          }}
        >
          {t('groups.rename')}
        </button>
        )}
      </div>
    );
  }
  return (
    <form className="stack" onSubmit={onSubmit}>
      <TextField label={t('groups.name')} value={title} onValueChange={setTitle} required maxLength={limits.groupTitleMax * 4} autoFocus autoComplete="off" />
      <ErrorMessage error={rename.error} />
      <div className="row-actions">
        <button type="submit" className="button button--primary button--small" disabled={rename.busy || title.trim() === ''}>
          {t('groups.saveName')}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => setEditing(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The announcement as everyone sees it; admins edit it here (the change is announced in the timeline). */
function Announcement({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const fieldId = useId();
  const current = conversation.group?.announcement ?? '';
  const [text, setText] = useState(current);
  const admin = conversation.group?.myRole !== 'member';
  const save = useAction(() => app.groups.setAnnouncement(conversation.id, text));

  // Someone else changed it meanwhile: show theirs.
  useEffect(() => setText(current), [current]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('groups.announcementHeading')}</h3>
      {admin ? (
        <form className="stack" onSubmit={onSubmit}>
          <div className="field">
            <label htmlFor={fieldId}>{t('groups.announcementLabel')}</label>
            <textarea id={fieldId} rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={limits.groupAnnouncementMax * 2} />
          </div>
          <ErrorMessage error={save.error} />
          <button type="submit" className="button button--primary button--small" disabled={save.busy || text === current}>
            {t('groups.saveAnnouncement')}
          </button>
        </form>
      ) : (
        <p className="announcement-text">{current || t('groups.noAnnouncement')}</p>
      )}
    </section>
  );
}

/** Leave (anyone; the owner hands over first) and dissolve (owner), each behind a confirmation. */
function LeaveOrDissolve({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const [asking, setAsking] = useState<'leave' | 'dissolve' | null>(null);
  const owner = conversation.group?.myRole === 'owner';
  const alone = (conversation.group?.memberCount ?? 0) <= 1;
  const name = titleOf(conversation);
  const confirm = useAction(() => (asking === 'dissolve' ? app.groups.dissolve(conversation.id) : app.groups.leave(conversation.id)));

  async function onConfirm() {
    if (await confirm.run()) setAsking(null);
  }

  return (
    <section className="panel-section danger-zone">
      {/* The owner hands the group over first; alone in it, dissolving is the way out (leaving would orphan it). */}
      {owner ? <p className="field-hint">{alone ? t('groups.ownerAloneHint') : t('groups.ownerLeaveHint')}</p> : null}
      <div className="row-actions">
        <button type="button" className="button button--danger button--small" disabled={owner} onClick={() => setAsking('leave')}>
          {t('groups.leave')}
        </button>
        {owner ? (
          <button type="button" className="button button--danger button--small" onClick={() => setAsking('dissolve')}>
            {t('groups.dissolve')}
          </button>
        ) : null}
      </div>
      {asking ? (
        <ConfirmDialog
          title={asking === 'leave' ? t('groups.confirmLeaveTitle', { name }) : t('groups.confirmDissolveTitle', { name })}
          body={asking === 'leave' ? t('groups.confirmLeaveBody') : t('groups.confirmDissolveBody')}
          confirmLabel={asking === 'leave' ? t('groups.confirmLeave') : t('groups.confirmDissolve')}
          busy={confirm.busy}
          error={confirm.error}
          onConfirm={() => void onConfirm()}
          onCancel={() => {
            confirm.clearError();
            setAsking(null);
          }}
        />
      ) : null}
    </section>
  );
}

/** The panel beside a group chat: announcement, members, invitations, my settings, and the way out. */
export function GroupInfo({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const left = useAppState((s) => s.left[conversation.id]);
  const close = useRef<HTMLButtonElement>(null);
  const admin = conversation.group?.myRole !== 'member';

  // Opening moves focus into the panel, so keyboard users land where the new content is.
  useEffect(() => close.current?.focus(), []);

  // The member list is refreshed on opening: presence of people who are not my friends is not pushed live.
  useEffect(() => {
    if (left === undefined) app.groups.loadMembers(conversation.id).catch(() => undefined);
  }, [app, conversation.id, left]);

  return (
    <aside
      className="group-info"
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        // Escape closes the panel, unless it was meant for a dialog opened from the panel.
        const inDialog = e.target instanceof Element && e.target.closest('dialog') !== null;
        if (e.key === 'Escape' && !inDialog) app.chat.toggleGroupInfo(false);
      }}
    >
      <header className="group-info-header">
        <h2 id={headingId}>{t('groups.infoLabel')}</h2>
        <button ref={close} type="button" className="icon-button" aria-label={t('groups.closeInfo')} onClick={() => app.chat.toggleGroupInfo(false)}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
          </svg>
        </button>
      </header>
      <div className="group-info-body">
        {left !== undefined ? (
          <section className="panel-section">
            <p className="group-title-text">{titleOf(conversation)}</p>
            <p className="notice">{t('groups.notMember')}</p>
          </section>
        ) : (
          <>
            <section className="panel-section">
              <GroupTitle conversation={conversation} />
            </section>
            <Announcement conversation={conversation} />
            <GroupMembers conversation={conversation} />
            {admin ? <JoinRequests conversation={conversation} /> : null}
            <InviteLinks conversation={conversation} />
            <GroupSettings conversation={conversation} />
            <LeaveOrDissolve conversation={conversation} />
          </>
        )}
      </div>
    </aside>
  );
}
