import type { DataSource } from 'typeorm';
import type { ScenarioBody } from '@hearth/protocol';
import { RoleplayScenarioRecord } from '../modules/roleplay/entities/scenario.entity';

/**
 * The built-in role-play library every therapist sees: skills IOP groups
 * practise (refusal, DEAR MAN, family conflict, relapse triggers, work,
 * boundaries). Written as plain, non-graphic prompts; therapists adapt them
 * by writing their own.
 */
export const BUILTIN_SCENARIOS: (ScenarioBody & { key: string })[] = [
  {
    key: 'refusal-party-offer',
    title: 'Turning down a drink at a party',
    skill: 'refusal_skills',
    setting: 'A birthday party at a friend’s apartment. An old friend who does not know you are in recovery offers you a drink.',
    roles: [
      {
        key: 'refuser',
        name: 'Person in recovery',
        instructions:
          'Say no early and clearly, with eye contact and a firm voice. Offer an alternative (soda, leaving early) and change the subject or leave if pressed. You do not owe a long explanation.',
      },
      {
        key: 'friend',
        name: 'Friend offering',
        instructions:
          'Offer a drink warmly. When refused, push gently twice ("just one", "it’s a party"), then accept the answer if they stay firm. Keep it realistic, never aggressive.',
      },
    ],
    goals: ['Say no within the first exchange', 'Hold the refusal under mild pressure', 'Suggest an alternative or exit'],
    checklist: [
      { key: 'early-no', text: 'Said no early and clearly' },
      { key: 'eye-contact', text: 'Kept eye contact and a steady voice' },
      { key: 'alternative', text: 'Offered an alternative or a way out' },
      { key: 'no-excuses', text: 'Did not over-explain or apologise' },
    ],
  },
  {
    key: 'dear-man-roommate',
    title: 'DEAR MAN: asking a roommate for quiet evenings',
    skill: 'dear_man',
    setting: 'Your roommate plays loud music late at night; you need sleep before early shifts and group.',
    roles: [
      {
        key: 'asker',
        name: 'Person asking',
        instructions:
          'Use DEAR MAN: Describe the facts, Express how it affects you, Assert the request (quiet after 10 pm on weeknights), Reinforce what they gain. Stay Mindful (broken record), Appear confident, Negotiate.',
      },
      {
        key: 'roommate',
        name: 'Roommate',
        instructions: 'You did not realise it was a problem. Be a little defensive at first, try to change the subject once, then be open to a compromise.',
      },
    ],
    goals: ['Make a specific request', 'Stay on topic when sidetracked', 'Reach a workable compromise'],
    checklist: [
      { key: 'describe', text: 'Described the situation with facts' },
      { key: 'express', text: 'Expressed feelings with “I” statements' },
      { key: 'assert', text: 'Asked clearly for something specific' },
      { key: 'broken-record', text: 'Came back to the request when sidetracked' },
      { key: 'negotiate', text: 'Was willing to negotiate' },
    ],
  },
  {
    key: 'family-conflict-trust',
    title: 'Family conflict: rebuilding trust after a relapse',
    skill: 'family_conflict',
    setting: 'Kitchen table, evening. A parent found out about a recent relapse and is hurt and worried. A sibling is present.',
    roles: [
      {
        key: 'patient',
        name: 'Person in recovery',
        instructions: 'Acknowledge what happened without blaming, validate the parent’s worry, say what you are doing now (IOP, supports) and ask for one concrete thing that would help.',
      },
      {
        key: 'parent',
        name: 'Parent',
        instructions: 'You are scared and angry. Start with “How could you…”. Soften if you feel heard; stay guarded if you feel brushed off.',
      },
      {
        key: 'sibling',
        name: 'Sibling',
        instructions: 'You want everyone to calm down. Try once to minimise it ("it was just once"), then support a calmer conversation.',
      },
    ],
    goals: ['Validate the family member’s feelings', 'Take responsibility without shame spirals', 'Agree on one next step'],
    checklist: [
      { key: 'validate', text: 'Validated the other person’s feelings' },
      { key: 'responsibility', text: 'Took responsibility without blaming' },
      { key: 'calm', text: 'Kept a calm tone when challenged' },
      { key: 'next-step', text: 'Proposed a concrete next step' },
    ],
  },
  {
    key: 'relapse-trigger-payday',
    title: 'Relapse-trigger rehearsal: payday and an old contact',
    skill: 'relapse_trigger',
    setting: 'Friday after work, payday. You get a call from someone you used to use with, who is nearby.',
    roles: [
      {
        key: 'person',
        name: 'Person in recovery',
        instructions: 'Notice the trigger out loud (money, Friday, this person). Use a plan: decline, end the call, and say which support you will contact next.',
      },
      {
        key: 'contact',
        name: 'Old contact',
        instructions: 'Be friendly and nostalgic. Mention good times and that you are close by. Call back once after being declined.',
      },
    ],
    goals: ['Name the trigger', 'End the contact quickly', 'State a coping action and a support person'],
    checklist: [
      { key: 'name-trigger', text: 'Named the trigger' },
      { key: 'end-contact', text: 'Ended the contact quickly' },
      { key: 'coping', text: 'Named a coping action' },
      { key: 'support', text: 'Named someone to reach out to' },
    ],
  },
  {
    key: 'job-interview-gap',
    title: 'Job interview: explaining a gap in employment',
    skill: 'job_interview',
    setting: 'A first interview for a warehouse lead position. The interviewer asks about an eight-month gap on the résumé.',
    roles: [
      {
        key: 'candidate',
        name: 'Candidate',
        instructions: 'Answer the gap question briefly and honestly without disclosing more than you choose ("I took time to deal with a health matter, which is resolved"), then steer to your strengths.',
      },
      {
        key: 'interviewer',
        name: 'Interviewer',
        instructions: 'Be professional. Ask about the gap, follow up once ("what kind of health matter?"), then ask about a time they solved a problem at work.',
      },
    ],
    goals: ['Give a short, honest answer about the gap', 'Hold a boundary on private health details', 'Show strengths'],
    checklist: [
      { key: 'brief', text: 'Kept the gap answer short and calm' },
      { key: 'boundary', text: 'Held a boundary on private details' },
      { key: 'strengths', text: 'Pointed to strengths and examples' },
      { key: 'posture', text: 'Confident voice and posture' },
    ],
  },
  {
    key: 'boundary-coworker-covering',
    title: 'Setting a boundary: a coworker who keeps asking for cover',
    skill: 'boundary_setting',
    setting: 'Break room. A coworker asks you, for the third time this month, to cover their shift — on an evening you have group.',
    roles: [
      {
        key: 'setter',
        name: 'Person setting the boundary',
        instructions: 'Say no kindly and firmly, without lying or over-explaining. Protect your group evening. You may offer help another time if you want to.',
      },
      {
        key: 'coworker',
        name: 'Coworker',
        instructions: 'Appeal to friendship and say you are desperate. Try guilt once ("I covered for you last year"). Accept a clear no.',
      },
    ],
    goals: ['Say no without guilt', 'Protect treatment time', 'Keep the working relationship'],
    checklist: [
      { key: 'clear-no', text: 'Said no clearly' },
      { key: 'no-guilt', text: 'Did not give in to guilt' },
      { key: 'kind', text: 'Stayed kind and respectful' },
      { key: 'priority', text: 'Named their own priority' },
    ],
  },
];

/** Writes the built-in scenarios (by key; a second run brings their text up to date). */
export async function ensureRoleplayScenarios(dataSource: DataSource): Promise<number> {
  const repo = dataSource.getRepository(RoleplayScenarioRecord);
  for (const { key, ...body } of BUILTIN_SCENARIOS) {
    await repo
      .createQueryBuilder()
      .insert()
      .values({ ...body, builtinKey: key, ownerUserId: null, sharedProgramId: null })
      .orUpdate(['title', 'skill', 'setting', 'roles', 'goals', 'checklist'], ['builtin_key'])
      .execute();
  }
  return BUILTIN_SCENARIOS.length;
}
