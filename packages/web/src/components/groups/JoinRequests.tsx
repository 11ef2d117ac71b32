import type { ConversationDto, JoinRequestDto } from '@feige/protocol';
import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';

function RequestRow({ conversationId, request }: { conversationId: string; request: JoinRequestDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const approve = useAction(() => app.groups.approveJoin(conversationId, request.id));
  const reject = useAction(() => app.groups.rejectJoin(conversationId, request.id));
  const busy = approve.busy || reject.busy;
  return (
    <li className="person">
      <div className="person-text">
        <span className="person-name">{request.user.displayName}</span>
        <span className="person-username">{t('groups.requestBy', { name: request.invitedBy.displayName })}</span>
        <ErrorMessage error={approve.error ?? reject.error} />
      </div>
      <div className="person-actions">
        <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void approve.run()}>
          {t('groups.approve')}
        </button>
        <button type="button" className="button button--ghost button--small" disabled={busy} onClick={() => void reject.run()}>
          {t('groups.reject')}
        </button>
      </div>
    </li>
  );
}

/** Invitations waiting for an admin (when the owner turned on approval); they arrive live as `group.joinRequest`. */
export function JoinRequests({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const requests = useAppState((s) => s.joinRequests[conversation.id]);
  const load = useAction(() => app.groups.loadJoinRequests(conversation.id));
  const { run } = load;

  useEffect(() => {
    void run();
  }, [run]);

  if (!requests || requests.length === 0) return load.error ? <ErrorMessage error={load.error} /> : null;
  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('groups.requestsHeading')}</h3>
      <ul role="list" className="people" aria-label={t('groups.requestsLabel')}>
        {requests.map((r) => (
          <RequestRow key={r.id} conversationId={conversation.id} request={r} />
        ))}
      </ul>
    </section>
  );
}
