import type { FriendRequestDto } from '@feige/protocol';
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { Avatar } from '../common/Avatar';
import { ErrorMessage } from '../common/ErrorMessage';

function Incoming({ request }: { request: FriendRequestDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const accept = useAction(() => app.friends.accept(request.id));
  const decline = useAction(() => app.friends.decline(request.id));
  const busy = accept.busy || decline.busy;
  return (
    <li className="person">
      <Avatar user={request.from} />
      <div className="person-text">
        <span className="person-name">{request.from.displayName}</span>
        <span className="person-username">@{request.from.username}</span>
        {request.note ? <p className="person-note">{request.note}</p> : null}
        <ErrorMessage error={accept.error ?? decline.error} />
      </div>
      <div className="person-actions">
        <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void accept.run()}>
          {t('friends.accept')}
        </button>
        <button type="button" className="button button--ghost button--small" disabled={busy} onClick={() => void decline.run()}>
          {t('friends.decline')}
        </button>
      </div>
    </li>
  );
}

function Outgoing({ request }: { request: FriendRequestDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const cancel = useAction(() => app.friends.cancel(request.id));
  return (
    <li className="person">
      <Avatar user={request.to} />
      <div className="person-text">
        <span className="person-name">{request.to.displayName}</span>
        <span className="person-username">@{request.to.username}</span>
        <span className="person-state">{t(`friends.requestState.${request.state}`)}</span>
        <ErrorMessage error={cancel.error} />
      </div>
      {request.state === 'pending' ? (
        <div className="person-actions">
          <button type="button" className="button button--ghost button--small" disabled={cancel.busy} onClick={() => void cancel.run()}>
            {t('friends.cancelRequest')}
          </button>
        </div>
      ) : null}
    </li>
  );
}

function newestFirst(a: FriendRequestDto, b: FriendRequestDto): number {
  return b.updatedAt - a.updatedAt;
}

/** Incoming requests waiting for my answer, and my own requests that are still open or were declined. */
export function FriendRequests() {
  const { t } = useTranslation();
  const headingId = useId();
  const incoming = useAppState((s) => s.incoming);
  const outgoing = useAppState((s) => s.outgoing);
  const waiting = useMemo(() => incoming.filter((r) => r.state === 'pending').sort(newestFirst), [incoming]);
  const sent = useMemo(() => outgoing.filter((r) => r.state === 'pending' || r.state === 'declined').sort(newestFirst), [outgoing]);

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('friends.requestsHeading')}</h2>
      {waiting.length === 0 ? (
        <p className="placeholder">{t('friends.noIncoming')}</p>
      ) : (
        <ul role="list" className="people" aria-label={t('friends.incomingLabel')}>
          {waiting.map((r) => (
            <Incoming key={r.id} request={r} />
          ))}
        </ul>
      )}
      {sent.length === 0 ? null : (
        <>
          <h3>{t('friends.outgoingLabel')}</h3>
          <ul role="list" className="people" aria-label={t('friends.outgoingLabel')}>
            {sent.map((r) => (
              <Outgoing key={r.id} request={r} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
