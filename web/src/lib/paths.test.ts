import { describe, expect, it } from 'vitest';
import { breadcrumbs, displayName, folderPrefix, parentPrefix, uploadKey } from './paths';

describe('object browser paths', () => {
  it('breadcrumbs: the bucket, then one crumb per folder with its full prefix', () => {
    expect(breadcrumbs('photos', '')).toEqual([{ label: 'photos', prefix: '' }]);
    expect(breadcrumbs('photos', '2024/summer/')).toEqual([
      { label: 'photos', prefix: '' },
      { label: '2024', prefix: '2024/' },
      { label: 'summer', prefix: '2024/summer/' },
    ]);
  });

  it('breadcrumbs keep empty folder names (keys like a//b) reachable', () => {
    expect(breadcrumbs('b', 'a//').map((c) => c.prefix)).toEqual(['', 'a/', 'a//']);
  });

  it('display names are relative to the listed prefix', () => {
    expect(displayName('2024/summer/', '2024/')).toBe('summer/');
    expect(displayName('2024/a.jpg', '2024/')).toBe('a.jpg');
    expect(displayName('other/a.jpg', '2024/')).toBe('other/a.jpg');
  });

  it('parent prefixes', () => {
    expect(parentPrefix('a/b/')).toBe('a/');
    expect(parentPrefix('a/')).toBe('');
    expect(parentPrefix('')).toBe('');
  });

  it('upload keys: current prefix + path inside the dropped folder, backslashes and leading slashes cleaned', () => {
    expect(uploadKey('docs/', 'report.pdf')).toBe('docs/report.pdf');
    expect(uploadKey('', 'site/css/main.css')).toBe('site/css/main.css');
    expect(uploadKey('x/', '\\win\\path.txt')).toBe('x/win/path.txt');
  });

  it('new folder names become one prefix level', () => {
    expect(folderPrefix('a/', ' new ')).toBe('a/new/');
    expect(folderPrefix('', '/b/')).toBe('b/');
    expect(folderPrefix('a/', '  ')).toBe('');
  });
});
