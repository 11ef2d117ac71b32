import { limits, type UserDto } from '@feige/protocol';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { Avatar } from '../common/Avatar';
import { ErrorMessage } from '../common/ErrorMessage';

type Relation = 'self' | 'friend' | 'requested' | 'none';

function SearchResult({ user, relation, note, onSent }: { user: UserDto; relation: Relation; note: string; onSent: () => void }) {
  const { t } = useTranslation();
  const app = useApp();
  const add = useAction(() => app.friends.request(user.id, note));
  return (
    <li className="person">
      <Avatar user={user} />
      <div className="person-text">
        <span className="person-name">{user.displayName}</span>
        <span className="person-username">@{user.username}</span>
        <ErrorMessage error={add.error} />
      </div>
      <div className="person-actions">
        {relation === 'self' ? (
          <span className="tag">{t('friends.isYou')}</span>
        ) : relation === 'friend' ? (
          <span className="tag">{t('friends.alreadyFriends')}</span>
        ) : relation === 'requested' ? (
          <span className="tag">{t('friends.requestSent')}</span>
        ) : (
          <button type="button" className="button button--primary button--small" disabled={add.busy} onClick={() => void add.run().then((ok) => ok && onSent())}>
            {t('friends.addFriend')}
          </button>
        )}
      </div>
    </li>
  );
}

/** Find people by name and send them a friend request; one optional note goes with whichever request is sent. */
export function UserSearch() {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const queryId = useId();
  const noteId = useId();
  const [query, setQuery] = useState('');
  const [note, setNote] = useState('');
  const [results, setResults] = useState<UserDto[] | null>(null);
  const meId = useAppState((s) => s.me?.id ?? null);
  const friends = useAppState((s) => s.friends);
  const outgoing = useAppState((s) => s.outgoing);

  const search = useAction(async () => {
    const trimmed = query.trim();
    if (!trimmed) return;
    setResults(await app.friends.search(trimmed));
  });

  const relationOf = useMemo(() => {
    const friendIds = new Set(friends.map((f) => f.user.id));
    const requested = new Set(outgoing.filter((r) => r.state === 'pending').map((r) => r.to.id));
    return (id: string): Relation =>
      id === meId ? 'self' : friendIds.has(id) ? 'friend' : requested.has(id) ? 'requested' : 'none';
  }, [friends, outgoing, meId]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void search.run();
  }

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('friends.searchHeading')}</h2>
      <form role="search" className="search-form" onSubmit={onSubmit}>
        <label htmlFor={queryId} className="sr-only">
          {t('friends.searchLabel')}
        </label>
        <input
          id={queryId}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder={t('friends.searchPlaceholder')}
          maxLength={limits.searchQueryMax}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
        />
        <button type="submit" className="button button--primary" disabled={search.busy}>
          {t('friends.search')}
        </button>
      </form>
      <div className="field">
        <label htmlFor={noteId}>{t('friends.noteLabel')}</label>
        <textarea
          id={noteId}
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('friends.notePlaceholder')}
          maxLength={limits.friendNoteMax}
        />
      </div>
      <ErrorMessage error={search.error} />
      {search.busy ? <p className="placeholder">{t('friends.searching')}</p> : null}
      {results === null ? null : results.length === 0 ? (
        <p className="placeholder">{t('friends.noResults')}</p>
      ) : (
        <ul role="list" className="people" aria-label={t('friends.resultsLabel')}>
          {results.map((user) => (
            <SearchResult key={user.id} user={user} relation={relationOf(user.id)} note={note} onSent={() => setNote('')} />
          ))}
        </ul>
      )}
    </section>
  );
}
