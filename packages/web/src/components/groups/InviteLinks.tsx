import type { ConversationDto, InviteLinkDto } from '@feige/protocol';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { inviteUrl, type LinkOptions } from '../../store/groups';
import { useApp } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';

const hourMs = 3600_000;
const expiryKeys = ['never', 'hour', 'day', 'week'] as const;
type Expiry = (typeof expiryKeys)[number];
const expiries: Record<Expiry, number | undefined> = { never: undefined, hour: hourMs, day: 24 * hourMs, week: 7 * 24 * hourMs };

/** Copy to the clipboard; where the Clipboard API is refused, select the text and use the older command. */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

function LinkRow({ link, onRevoked }: { link: InviteLinkDto; onRevoked: () => void }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const fieldId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const url = inviteUrl(link.token);
  const revoke = useAction(async () => {
    await app.groups.revokeInviteLink(link.token);
    onRevoked();
  });
  const uses = link.maxUses === null ? t('groups.linkUses', { uses: link.uses }) : t('groups.linkUsesOf', { uses: link.uses, max: link.maxUses });
  const expiry = link.expiresAt === null ? t('groups.linkNoExpiry') : t('groups.linkExpires', { time: formatDateTime(link.expiresAt, i18n.language) });
  return (
    <li className="invite-link">
      <label htmlFor={fieldId} className="sr-only">
        {t('groups.linkLabel')}
      </label>
      <input id={fieldId} ref={field} readOnly value={url} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
      <span className="person-username">
        {uses} · {expiry}
      </span>
      <div className="person-actions">
        <button type="button" className="button button--primary button--small" onClick={() => void copyText(url, field.current).then(setCopied)}>
          {t('groups.copyLink')}
        </button>
        <button type="button" className="button button--ghost button--small" disabled={revoke.busy} onClick={() => void revoke.run()}>
          {t('groups.revokeLink')}
        </button>
      </div>
      {copied === null ? null : (
        <p role="status" className={copied ? 'field-hint' : 'error-text'}>
          {copied ? t('groups.copied') : t('groups.copyFailed')}
        </p>
      )}
      <ErrorMessage error={revoke.error} />
    </li>
  );
}

/** Revocable invite links with an optional expiry and use limit; admins see all, members their own. */
export function InviteLinks({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const expiryId = useId();
  const usesId = useId();
  const [links, setLinks] = useState<InviteLinkDto[] | null>(null);
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [maxUses, setMaxUses] = useState('');
  const group = conversation.group;
  const canCreate = group !== null && (!group.inviteApproval || group.myRole !== 'member');
  const load = useAction(async () => setLinks(await app.groups.inviteLinks(conversation.id)));
  const { run: reload } = load;
  const create = useAction(async () => {
    const options: LinkOptions = {};
    const expiresInMs = expiries[expiry];
    if (expiresInMs !== undefined) options.expiresInMs = expiresInMs;
    const uses = Number.parseInt(maxUses, 10);
    if (Number.isFinite(uses) && uses > 0) options.maxUses = uses;
    const link = await app.groups.createInviteLink(conversation.id, options);
    setLinks((list) => [link, ...(list ?? []).filter((l) => l.token !== link.token)]);
  });

  useEffect(() => {
    void reload();
  }, [reload]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void create.run();
  }

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('groups.linksHeading')}</h3>
      {canCreate ? (
        <form className="link-form" onSubmit={onSubmit}>
          <div className="field">
            <label htmlFor={expiryId}>{t('groups.linkExpiry')}</label>
            <select id={expiryId} value={expiry} onChange={(e) => setExpiry(expiryKeys.find((k) => k === e.target.value) ?? 'never')}>
              {expiryKeys.map((key) => (
                <option key={key} value={key}>
                  {t(`groups.expiry.${key}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={usesId}>{t('groups.linkMaxUses')}</label>
            <input id={usesId} type="number" inputMode="numeric" min={1} max={100_000} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
          </div>
          <button type="submit" className="button button--primary button--small" disabled={create.busy}>
            {t('groups.createLink')}
          </button>
        </form>
      ) : null}
      <ErrorMessage error={create.error ?? load.error} />
      {links && links.length > 0 ? (
        <ul role="list" className="invite-links" aria-label={t('groups.linksLabel')}>
          {links.map((link) => (
            <LinkRow key={link.token} link={link} onRevoked={() => setLinks((list) => list?.filter((l) => l.token !== link.token) ?? null)} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
