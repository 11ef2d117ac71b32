import type { UserDto } from '@feige/protocol';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { hueOf, initialOf } from '../../lib/avatar';

interface AvatarProps {
  user: UserDto;
  /** Omit to show no presence dot (e.g. for people who are not friends, whose presence we do not get). */
  online?: boolean | undefined;
  size?: 'small' | 'medium' | 'large';
}

export function Avatar({ user, online, size = 'medium' }: AvatarProps) {
  const { t } = useTranslation();
  return (
    <span className={`avatar avatar--${size}`} style={{ '--avatar-hue': hueOf(user.id) } as CSSProperties}>
      <span className="avatar-initial" aria-hidden="true">
        {initialOf(user.displayName)}
      </span>
      {online === undefined ? null : (
        <span
          className={online ? 'presence presence--online' : 'presence'}
          role="img"
          aria-label={online ? t('presence.online') : t('presence.offline')}
        />
      )}
    </span>
  );
}
