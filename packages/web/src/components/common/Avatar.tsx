import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { hueOf, initialOf } from '../../lib/avatar';

interface AvatarProps {
  /** A user, or a group shown by its title. */
  user: { id: string; displayName: string };
  /** Omit to show no presence dot (e.g. for people who are not friends, whose presence we do not get). */
  online?: boolean | undefined;
  size?: 'small' | 'medium' | 'large';
  /** Groups get a rounded square, people a circle. */
  group?: boolean;
}

export function Avatar({ user, online, size = 'medium', group = false }: AvatarProps) {
  const { t } = useTranslation();
  return (
    <span className={`avatar avatar--${size}${group ? ' avatar--group' : ''}`} style={{ '--avatar-hue': hueOf(user.id) } as CSSProperties}>
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
