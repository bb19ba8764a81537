/** How a person's name is shown to other patients; set per program. */
export type DisplayNamePolicy = 'full_name' | 'first_name' | 'initials';

interface Named {
  firstName: string;
  lastName: string;
}

export function fullName(u: Named): string {
  return `${u.firstName} ${u.lastName}`.trim();
}

/** The name other patients see, per the program's display-name policy. */
export function displayNameFor(u: Named, policy: DisplayNamePolicy): string {
  switch (policy) {
    case 'full_name':
      return fullName(u);
    case 'first_name':
      return u.firstName;
    case 'initials':
      return `${u.firstName.charAt(0)}.${u.lastName.charAt(0)}.`.toUpperCase();
  }
}
