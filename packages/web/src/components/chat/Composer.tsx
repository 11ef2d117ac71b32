import { graphemeLength, limits } from '@feige/protocol';
import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../store/react';

/** Grapheme count, computed only when the UTF-16 length could exceed the limit (a cluster is ≥ 1 code unit). */
function overLimit(text: string): number | null {
  if (text.length <= limits.messageTextMax) return null;
  const count = graphemeLength(text);
  return count > limits.messageTextMax ? count : null;
}

export function Composer({ conversationId, canSend }: { conversationId: string; canSend: boolean }) {
  const { t } = useTranslation();
  const app = useApp();
  const [text, setText] = useState('');
  const composing = useRef(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const tooLong = overLimit(text);
  const sendable = canSend && tooLong === null && text.trim() !== '';

  function send() {
    if (!sendable) return;
    // The text goes out exactly as typed (the server stores it unchanged); only all-blank messages are held back.
    app.chat.send(conversationId, text);
    setText('');
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== 'Enter' || event.shiftKey) return;
    // Enter that confirms an IME candidate (Chinese, Japanese …) must not send: isComposing covers most browsers,
    // keyCode 229 covers Safari, which reports the confirming keydown after compositionend.
    if (event.nativeEvent.isComposing || event.keyCode === 229 || composing.current) return;
    event.preventDefault();
    send();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send();
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {canSend ? null : <p className="composer-note">{t('chat.cannotSend')}</p>}
      {tooLong !== null ? (
        <p role="alert" className="error-text composer-note">
          {t('chat.tooLong', { max: limits.messageTextMax, count: tooLong })}
        </p>
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
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim() !== '') app.chat.typing(conversationId);
          }}
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
