import { graphemeLength, limits, type MemberDto } from '@feige/protocol';
import { useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { mentionInsertText, mentionOptions, mentionQueryAt, type MentionOption } from '../../lib/mentions';
import { useApp } from '../../store/react';
import type { LeftReason } from '../../store/state';

/** Grapheme count, computed only when the UTF-16 length could exceed the limit (a cluster is ≥ 1 code unit). */
function overLimit(text: string): number | null {
  if (text.length <= limits.messageTextMax) return null;
  const count = graphemeLength(text);
  return count > limits.messageTextMax ? count : null;
}

export interface MentionSource {
  members: readonly MemberDto[];
  /** Admins and the owner may mention everyone. */
  canMentionAll: boolean;
  meId: string | null;
}

interface ComposerProps {
  conversationId: string;
  canSend: boolean;
  /** Why I am out of this group, if I am. */
  left: LeftReason | null;
  /** Groups: who can be @mentioned. */
  mention: MentionSource | null;
}

export function Composer({ conversationId, canSend, left, mention }: ComposerProps) {
  const { t } = useTranslation();
  const app = useApp();
  const listId = useId();
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  /** Escape hides the suggestions for the mention at this position until something else is typed. */
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const composing = useRef(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const nextCaret = useRef<number | null>(null);
  const tooLong = overLimit(text);
  const sendable = canSend && tooLong === null && text.trim() !== '';

  const query = mention && canSend ? mentionQueryAt(text, caret) : null;
  const options =
    mention && query && query.start !== dismissedAt ? mentionOptions(mention.members, query.query, mention.meId, mention.canMentionAll) : [];
  const open = options.length > 0;
  const activeIndex = Math.min(active, options.length - 1);

  // Put the caret after an inserted mention once React has written the new text.
  useLayoutEffect(() => {
    const position = nextCaret.current;
    if (position === null || !input.current) return;
    nextCaret.current = null;
    input.current.setSelectionRange(position, position);
  });

  function send() {
    if (!sendable) return;
    // The text goes out exactly as typed (the server stores it unchanged); only all-blank messages are held back.
    app.chat.send(conversationId, text);
    setText('');
    setCaret(0);
    input.current?.focus();
  }

  function insert(option: MentionOption) {
    if (!query) return;
    const inserted = mentionInsertText(option);
    const next = text.slice(0, query.start) + inserted + text.slice(caret);
    const position = query.start + inserted.length;
    setText(next);
    setCaret(position);
    setActive(0);
    nextCaret.current = position;
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter that confirms an IME candidate (Chinese, Japanese …) must neither send nor pick a mention: isComposing
    // covers most browsers, keyCode 229 covers Safari, which reports the confirming keydown after compositionend.
    if (event.nativeEvent.isComposing || event.keyCode === 229 || composing.current) return;
    if (open) {
      const chosen = options[activeIndex];
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((activeIndex + step + options.length) % options.length);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && chosen) {
        event.preventDefault();
        insert(chosen);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedAt(query?.start ?? null);
        return;
      }
    }
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    send();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send();
  }

  const optionId = (index: number) => `${listId}-option-${index}`;

  return (
    <form className="composer" onSubmit={onSubmit}>
      {left ? (
        <div className="composer-note composer-note--left">
          <p role="status">{t(`chat.leftNotice.${left}`)}</p>
          <button type="button" className="button button--ghost button--small" onClick={() => app.chat.forget(conversationId)}>
            {t('chat.forget')}
          </button>
        </div>
      ) : canSend ? null : (
        <p className="composer-note">{t('chat.cannotSend')}</p>
      )}
      {tooLong !== null ? (
        <p role="alert" className="error-text composer-note">
          {t('chat.tooLong', { max: limits.messageTextMax, count: tooLong })}
        </p>
      ) : null}
      {open ? (
        <ul id={listId} role="listbox" className="mention-list" aria-label={t('chat.mentionList')}>
          {options.map((option, index) => (
            <li
              key={option.kind === 'all' ? 'all' : option.member.user.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === activeIndex}
              className={index === activeIndex ? 'mention-option mention-option--active' : 'mention-option'}
              // mousedown, not click: the textarea must keep focus (and its caret) while the option is picked.
              onMouseDown={(e) => {
                e.preventDefault();
                insert(option);
              }}
            >
              {option.kind === 'all' ? (
                <>
                  <span className="mention-option-name">{t('chat.mentionAll')}</span> <span className="mention-option-username">@all</span>
                </>
              ) : (
                <>
                  <span className="mention-option-name">{option.member.nickname || option.member.user.displayName}</span>{' '}
                  <span className="mention-option-username">@{option.member.user.username}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="composer-row">
        <textarea
          ref={input}
          className="composer-input"
          aria-label={t('chat.composerLabel')}
          placeholder={t('chat.composerPlaceholder')}
          rows={1}
          value={text}
          disabled={!canSend}
          enterKeyHint="send"
          aria-autocomplete={mention ? 'list' : undefined}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? optionId(activeIndex) : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setDismissedAt(null);
            setActive(0);
            if (e.target.value.trim() !== '') app.chat.typing(conversationId);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onCompositionStart={() => {
            composing.current = true;
          }}
          onCompositionEnd={() => {
            composing.current = false;
          }}
        />
        <button type="submit" className="button button--primary composer-send" disabled={!sendable}>
          {t('chat.send')}
        </button>
      </div>
    </form>
  );
}
