#!/usr/bin/env node
import { createRequire as __memgateCreateRequire } from 'node:module'
const require = __memgateCreateRequire(import.meta.url)
import require$$0, { once } from 'node:events';
import require$$1, { spawn, execFile } from 'node:child_process';
import require$$2, { posix, resolve as resolve$1, dirname, join, basename, relative } from 'node:path';
import require$$3$1, { openSync, constants, fstatSync, readSync, closeSync, mkdirSync, createWriteStream, readdirSync, readFileSync, accessSync, rmSync, writeFileSync, existsSync, realpathSync, mkdtempSync } from 'node:fs';
import require$$4 from 'node:process';
import { tmpdir, constants as constants$1 } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createServer, connect } from 'node:net';
import { promisify } from 'node:util';
import { StringDecoder } from 'node:string_decoder';
import { randomBytes } from 'node:crypto';
import { performance as performance$1 } from 'node:perf_hooks';
import require$$0$1 from 'util';
import require$$0$2 from 'url';
import require$$1$1 from 'http';
import require$$2$1 from 'https';
import require$$3$2 from 'zlib';
import require$$1$2 from 'fs';
import require$$2$2 from 'process';
import require$$1$3 from 'v8';
import require$$3$3 from 'cluster';
import { Agent as Agent$1, request as request$1 } from 'node:http';
import { Agent, request } from 'node:https';
import { gunzipSync } from 'node:zlib';

var commonjsGlobal = typeof globalThis !== 'undefined' ? globalThis : typeof window !== 'undefined' ? window : typeof global !== 'undefined' ? global : typeof self !== 'undefined' ? self : {};

function getDefaultExportFromCjs (x) {
	return x && x.__esModule && Object.prototype.hasOwnProperty.call(x, 'default') ? x['default'] : x;
}

var commander$1 = {};

var argument = {};

var error = {};

/**
 * CommanderError class
 */

var hasRequiredError;

function requireError () {
	if (hasRequiredError) return error;
	hasRequiredError = 1;
	class CommanderError extends Error {
	  /**
	   * Constructs the CommanderError class
	   * @param {number} exitCode suggested exit code which could be used with process.exit
	   * @param {string} code an id string representing the error
	   * @param {string} message human-readable description of the error
	   */
	  constructor(exitCode, code, message) {
	    super(message);
	    // properly capture stack trace in Node.js
	    Error.captureStackTrace(this, this.constructor);
	    this.name = this.constructor.name;
	    this.code = code;
	    this.exitCode = exitCode;
	    this.nestedError = undefined;
	  }
	}

	/**
	 * InvalidArgumentError class
	 */
	class InvalidArgumentError extends CommanderError {
	  /**
	   * Constructs the InvalidArgumentError class
	   * @param {string} [message] explanation of why argument is invalid
	   */
	  constructor(message) {
	    super(1, 'commander.invalidArgument', message);
	    // properly capture stack trace in Node.js
	    Error.captureStackTrace(this, this.constructor);
	    this.name = this.constructor.name;
	  }
	}

	error.CommanderError = CommanderError;
	error.InvalidArgumentError = InvalidArgumentError;
	return error;
}

var hasRequiredArgument;

function requireArgument () {
	if (hasRequiredArgument) return argument;
	hasRequiredArgument = 1;
	const { InvalidArgumentError } = requireError();

	class Argument {
	  /**
	   * Initialize a new command argument with the given name and description.
	   * The default is that the argument is required, and you can explicitly
	   * indicate this with <> around the name. Put [] around the name for an optional argument.
	   *
	   * @param {string} name
	   * @param {string} [description]
	   */

	  constructor(name, description) {
	    this.description = description || '';
	    this.variadic = false;
	    this.parseArg = undefined;
	    this.defaultValue = undefined;
	    this.defaultValueDescription = undefined;
	    this.argChoices = undefined;

	    switch (name[0]) {
	      case '<': // e.g. <required>
	        this.required = true;
	        this._name = name.slice(1, -1);
	        break;
	      case '[': // e.g. [optional]
	        this.required = false;
	        this._name = name.slice(1, -1);
	        break;
	      default:
	        this.required = true;
	        this._name = name;
	        break;
	    }

	    if (this._name.endsWith('...')) {
	      this.variadic = true;
	      this._name = this._name.slice(0, -3);
	    }
	  }

	  /**
	   * Return argument name.
	   *
	   * @return {string}
	   */

	  name() {
	    return this._name;
	  }

	  /**
	   * @package
	   */

	  _collectValue(value, previous) {
	    if (previous === this.defaultValue || !Array.isArray(previous)) {
	      return [value];
	    }

	    previous.push(value);
	    return previous;
	  }

	  /**
	   * Set the default value, and optionally supply the description to be displayed in the help.
	   *
	   * @param {*} value
	   * @param {string} [description]
	   * @return {Argument}
	   */

	  default(value, description) {
	    this.defaultValue = value;
	    this.defaultValueDescription = description;
	    return this;
	  }

	  /**
	   * Set the custom handler for processing CLI command arguments into argument values.
	   *
	   * @param {Function} [fn]
	   * @return {Argument}
	   */

	  argParser(fn) {
	    this.parseArg = fn;
	    return this;
	  }

	  /**
	   * Only allow argument value to be one of choices.
	   *
	   * @param {string[]} values
	   * @return {Argument}
	   */

	  choices(values) {
	    this.argChoices = values.slice();
	    this.parseArg = (arg, previous) => {
	      if (!this.argChoices.includes(arg)) {
	        throw new InvalidArgumentError(
	          `Allowed choices are ${this.argChoices.join(', ')}.`,
	        );
	      }
	      if (this.variadic) {
	        return this._collectValue(arg, previous);
	      }
	      return arg;
	    };
	    return this;
	  }

	  /**
	   * Make argument required.
	   *
	   * @returns {Argument}
	   */
	  argRequired() {
	    this.required = true;
	    return this;
	  }

	  /**
	   * Make argument optional.
	   *
	   * @returns {Argument}
	   */
	  argOptional() {
	    this.required = false;
	    return this;
	  }
	}

	/**
	 * Takes an argument and returns its human readable equivalent for help usage.
	 *
	 * @param {Argument} arg
	 * @return {string}
	 * @private
	 */

	function humanReadableArgName(arg) {
	  const nameOutput = arg.name() + (arg.variadic === true ? '...' : '');

	  return arg.required ? '<' + nameOutput + '>' : '[' + nameOutput + ']';
	}

	argument.Argument = Argument;
	argument.humanReadableArgName = humanReadableArgName;
	return argument;
}

var command = {};

var help = {};

var hasRequiredHelp;

function requireHelp () {
	if (hasRequiredHelp) return help;
	hasRequiredHelp = 1;
	const { humanReadableArgName } = requireArgument();

	/**
	 * TypeScript import types for JSDoc, used by Visual Studio Code IntelliSense and `npm run typescript-checkJS`
	 * https://www.typescriptlang.org/docs/handbook/jsdoc-supported-types.html#import-types
	 * @typedef { import("./argument.js").Argument } Argument
	 * @typedef { import("./command.js").Command } Command
	 * @typedef { import("./option.js").Option } Option
	 */

	// Although this is a class, methods are static in style to allow override using subclass or just functions.
	class Help {
	  constructor() {
	    this.helpWidth = undefined;
	    this.minWidthToWrap = 40;
	    this.sortSubcommands = false;
	    this.sortOptions = false;
	    this.showGlobalOptions = false;
	  }

	  /**
	   * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
	   * and just before calling `formatHelp()`.
	   *
	   * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
	   *
	   * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
	   */
	  prepareContext(contextOptions) {
	    this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
	  }

	  /**
	   * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
	   *
	   * @param {Command} cmd
	   * @returns {Command[]}
	   */

	  visibleCommands(cmd) {
	    const visibleCommands = cmd.commands.filter((cmd) => !cmd._hidden);
	    const helpCommand = cmd._getHelpCommand();
	    if (helpCommand && !helpCommand._hidden) {
	      visibleCommands.push(helpCommand);
	    }
	    if (this.sortSubcommands) {
	      visibleCommands.sort((a, b) => {
	        // @ts-ignore: because overloaded return type
	        return a.name().localeCompare(b.name());
	      });
	    }
	    return visibleCommands;
	  }

	  /**
	   * Compare options for sort.
	   *
	   * @param {Option} a
	   * @param {Option} b
	   * @returns {number}
	   */
	  compareOptions(a, b) {
	    const getSortKey = (option) => {
	      // WYSIWYG for order displayed in help. Short used for comparison if present. No special handling for negated.
	      return option.short
	        ? option.short.replace(/^-/, '')
	        : option.long.replace(/^--/, '');
	    };
	    return getSortKey(a).localeCompare(getSortKey(b));
	  }

	  /**
	   * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
	   *
	   * @param {Command} cmd
	   * @returns {Option[]}
	   */

	  visibleOptions(cmd) {
	    const visibleOptions = cmd.options.filter((option) => !option.hidden);
	    // Built-in help option.
	    const helpOption = cmd._getHelpOption();
	    if (helpOption && !helpOption.hidden) {
	      // Automatically hide conflicting flags. Bit dubious but a historical behaviour that is convenient for single-command programs.
	      const removeShort = helpOption.short && cmd._findOption(helpOption.short);
	      const removeLong = helpOption.long && cmd._findOption(helpOption.long);
	      if (!removeShort && !removeLong) {
	        visibleOptions.push(helpOption); // no changes needed
	      } else if (helpOption.long && !removeLong) {
	        visibleOptions.push(
	          cmd.createOption(helpOption.long, helpOption.description),
	        );
	      } else if (helpOption.short && !removeShort) {
	        visibleOptions.push(
	          cmd.createOption(helpOption.short, helpOption.description),
	        );
	      }
	    }
	    if (this.sortOptions) {
	      visibleOptions.sort(this.compareOptions);
	    }
	    return visibleOptions;
	  }

	  /**
	   * Get an array of the visible global options. (Not including help.)
	   *
	   * @param {Command} cmd
	   * @returns {Option[]}
	   */

	  visibleGlobalOptions(cmd) {
	    if (!this.showGlobalOptions) return [];

	    const globalOptions = [];
	    for (
	      let ancestorCmd = cmd.parent;
	      ancestorCmd;
	      ancestorCmd = ancestorCmd.parent
	    ) {
	      const visibleOptions = ancestorCmd.options.filter(
	        (option) => !option.hidden,
	      );
	      globalOptions.push(...visibleOptions);
	    }
	    if (this.sortOptions) {
	      globalOptions.sort(this.compareOptions);
	    }
	    return globalOptions;
	  }

	  /**
	   * Get an array of the arguments if any have a description.
	   *
	   * @param {Command} cmd
	   * @returns {Argument[]}
	   */

	  visibleArguments(cmd) {
	    // Side effect! Apply the legacy descriptions before the arguments are displayed.
	    if (cmd._argsDescription) {
	      cmd.registeredArguments.forEach((argument) => {
	        argument.description =
	          argument.description || cmd._argsDescription[argument.name()] || '';
	      });
	    }

	    // If there are any arguments with a description then return all the arguments.
	    if (cmd.registeredArguments.find((argument) => argument.description)) {
	      return cmd.registeredArguments;
	    }
	    return [];
	  }

	  /**
	   * Get the command term to show in the list of subcommands.
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  subcommandTerm(cmd) {
	    // Legacy. Ignores custom usage string, and nested commands.
	    const args = cmd.registeredArguments
	      .map((arg) => humanReadableArgName(arg))
	      .join(' ');
	    return (
	      cmd._name +
	      (cmd._aliases[0] ? '|' + cmd._aliases[0] : '') +
	      (cmd.options.length ? ' [options]' : '') + // simplistic check for non-help option
	      (args ? ' ' + args : '')
	    );
	  }

	  /**
	   * Get the option term to show in the list of options.
	   *
	   * @param {Option} option
	   * @returns {string}
	   */

	  optionTerm(option) {
	    return option.flags;
	  }

	  /**
	   * Get the argument term to show in the list of arguments.
	   *
	   * @param {Argument} argument
	   * @returns {string}
	   */

	  argumentTerm(argument) {
	    return argument.name();
	  }

	  /**
	   * Get the longest command term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestSubcommandTermLength(cmd, helper) {
	    return helper.visibleCommands(cmd).reduce((max, command) => {
	      return Math.max(
	        max,
	        this.displayWidth(
	          helper.styleSubcommandTerm(helper.subcommandTerm(command)),
	        ),
	      );
	    }, 0);
	  }

	  /**
	   * Get the longest option term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestOptionTermLength(cmd, helper) {
	    return helper.visibleOptions(cmd).reduce((max, option) => {
	      return Math.max(
	        max,
	        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))),
	      );
	    }, 0);
	  }

	  /**
	   * Get the longest global option term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestGlobalOptionTermLength(cmd, helper) {
	    return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
	      return Math.max(
	        max,
	        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))),
	      );
	    }, 0);
	  }

	  /**
	   * Get the longest argument term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestArgumentTermLength(cmd, helper) {
	    return helper.visibleArguments(cmd).reduce((max, argument) => {
	      return Math.max(
	        max,
	        this.displayWidth(
	          helper.styleArgumentTerm(helper.argumentTerm(argument)),
	        ),
	      );
	    }, 0);
	  }

	  /**
	   * Get the command usage to be displayed at the top of the built-in help.
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  commandUsage(cmd) {
	    // Usage
	    let cmdName = cmd._name;
	    if (cmd._aliases[0]) {
	      cmdName = cmdName + '|' + cmd._aliases[0];
	    }
	    let ancestorCmdNames = '';
	    for (
	      let ancestorCmd = cmd.parent;
	      ancestorCmd;
	      ancestorCmd = ancestorCmd.parent
	    ) {
	      ancestorCmdNames = ancestorCmd.name() + ' ' + ancestorCmdNames;
	    }
	    return ancestorCmdNames + cmdName + ' ' + cmd.usage();
	  }

	  /**
	   * Get the description for the command.
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  commandDescription(cmd) {
	    // @ts-ignore: because overloaded return type
	    return cmd.description();
	  }

	  /**
	   * Get the subcommand summary to show in the list of subcommands.
	   * (Fallback to description for backwards compatibility.)
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  subcommandDescription(cmd) {
	    // @ts-ignore: because overloaded return type
	    return cmd.summary() || cmd.description();
	  }

	  /**
	   * Get the option description to show in the list of options.
	   *
	   * @param {Option} option
	   * @return {string}
	   */

	  optionDescription(option) {
	    const extraInfo = [];

	    if (option.argChoices) {
	      extraInfo.push(
	        // use stringify to match the display of the default value
	        `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(', ')}`,
	      );
	    }
	    if (option.defaultValue !== undefined) {
	      // default for boolean and negated more for programmer than end user,
	      // but show true/false for boolean option as may be for hand-rolled env or config processing.
	      const showDefault =
	        option.required ||
	        option.optional ||
	        (option.isBoolean() && typeof option.defaultValue === 'boolean');
	      if (showDefault) {
	        extraInfo.push(
	          `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`,
	        );
	      }
	    }
	    // preset for boolean and negated are more for programmer than end user
	    if (option.presetArg !== undefined && option.optional) {
	      extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
	    }
	    if (option.envVar !== undefined) {
	      extraInfo.push(`env: ${option.envVar}`);
	    }
	    if (extraInfo.length > 0) {
	      const extraDescription = `(${extraInfo.join(', ')})`;
	      if (option.description) {
	        return `${option.description} ${extraDescription}`;
	      }
	      return extraDescription;
	    }

	    return option.description;
	  }

	  /**
	   * Get the argument description to show in the list of arguments.
	   *
	   * @param {Argument} argument
	   * @return {string}
	   */

	  argumentDescription(argument) {
	    const extraInfo = [];
	    if (argument.argChoices) {
	      extraInfo.push(
	        // use stringify to match the display of the default value
	        `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(', ')}`,
	      );
	    }
	    if (argument.defaultValue !== undefined) {
	      extraInfo.push(
	        `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`,
	      );
	    }
	    if (extraInfo.length > 0) {
	      const extraDescription = `(${extraInfo.join(', ')})`;
	      if (argument.description) {
	        return `${argument.description} ${extraDescription}`;
	      }
	      return extraDescription;
	    }
	    return argument.description;
	  }

	  /**
	   * Format a list of items, given a heading and an array of formatted items.
	   *
	   * @param {string} heading
	   * @param {string[]} items
	   * @param {Help} helper
	   * @returns string[]
	   */
	  formatItemList(heading, items, helper) {
	    if (items.length === 0) return [];

	    return [helper.styleTitle(heading), ...items, ''];
	  }

	  /**
	   * Group items by their help group heading.
	   *
	   * @param {Command[] | Option[]} unsortedItems
	   * @param {Command[] | Option[]} visibleItems
	   * @param {Function} getGroup
	   * @returns {Map<string, Command[] | Option[]>}
	   */
	  groupItems(unsortedItems, visibleItems, getGroup) {
	    const result = new Map();
	    // Add groups in order of appearance in unsortedItems.
	    unsortedItems.forEach((item) => {
	      const group = getGroup(item);
	      if (!result.has(group)) result.set(group, []);
	    });
	    // Add items in order of appearance in visibleItems.
	    visibleItems.forEach((item) => {
	      const group = getGroup(item);
	      if (!result.has(group)) {
	        result.set(group, []);
	      }
	      result.get(group).push(item);
	    });
	    return result;
	  }

	  /**
	   * Generate the built-in help text.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {string}
	   */

	  formatHelp(cmd, helper) {
	    const termWidth = helper.padWidth(cmd, helper);
	    const helpWidth = helper.helpWidth ?? 80; // in case prepareContext() was not called

	    function callFormatItem(term, description) {
	      return helper.formatItem(term, termWidth, description, helper);
	    }

	    // Usage
	    let output = [
	      `${helper.styleTitle('Usage:')} ${helper.styleUsage(helper.commandUsage(cmd))}`,
	      '',
	    ];

	    // Description
	    const commandDescription = helper.commandDescription(cmd);
	    if (commandDescription.length > 0) {
	      output = output.concat([
	        helper.boxWrap(
	          helper.styleCommandDescription(commandDescription),
	          helpWidth,
	        ),
	        '',
	      ]);
	    }

	    // Arguments
	    const argumentList = helper.visibleArguments(cmd).map((argument) => {
	      return callFormatItem(
	        helper.styleArgumentTerm(helper.argumentTerm(argument)),
	        helper.styleArgumentDescription(helper.argumentDescription(argument)),
	      );
	    });
	    output = output.concat(
	      this.formatItemList('Arguments:', argumentList, helper),
	    );

	    // Options
	    const optionGroups = this.groupItems(
	      cmd.options,
	      helper.visibleOptions(cmd),
	      (option) => option.helpGroupHeading ?? 'Options:',
	    );
	    optionGroups.forEach((options, group) => {
	      const optionList = options.map((option) => {
	        return callFormatItem(
	          helper.styleOptionTerm(helper.optionTerm(option)),
	          helper.styleOptionDescription(helper.optionDescription(option)),
	        );
	      });
	      output = output.concat(this.formatItemList(group, optionList, helper));
	    });

	    if (helper.showGlobalOptions) {
	      const globalOptionList = helper
	        .visibleGlobalOptions(cmd)
	        .map((option) => {
	          return callFormatItem(
	            helper.styleOptionTerm(helper.optionTerm(option)),
	            helper.styleOptionDescription(helper.optionDescription(option)),
	          );
	        });
	      output = output.concat(
	        this.formatItemList('Global Options:', globalOptionList, helper),
	      );
	    }

	    // Commands
	    const commandGroups = this.groupItems(
	      cmd.commands,
	      helper.visibleCommands(cmd),
	      (sub) => sub.helpGroup() || 'Commands:',
	    );
	    commandGroups.forEach((commands, group) => {
	      const commandList = commands.map((sub) => {
	        return callFormatItem(
	          helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
	          helper.styleSubcommandDescription(helper.subcommandDescription(sub)),
	        );
	      });
	      output = output.concat(this.formatItemList(group, commandList, helper));
	    });

	    return output.join('\n');
	  }

	  /**
	   * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
	   *
	   * @param {string} str
	   * @returns {number}
	   */
	  displayWidth(str) {
	    return stripColor(str).length;
	  }

	  /**
	   * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
	   *
	   * @param {string} str
	   * @returns {string}
	   */
	  styleTitle(str) {
	    return str;
	  }

	  styleUsage(str) {
	    // Usage has lots of parts the user might like to color separately! Assume default usage string which is formed like:
	    //    command subcommand [options] [command] <foo> [bar]
	    return str
	      .split(' ')
	      .map((word) => {
	        if (word === '[options]') return this.styleOptionText(word);
	        if (word === '[command]') return this.styleSubcommandText(word);
	        if (word[0] === '[' || word[0] === '<')
	          return this.styleArgumentText(word);
	        return this.styleCommandText(word); // Restrict to initial words?
	      })
	      .join(' ');
	  }
	  styleCommandDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleOptionDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleSubcommandDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleArgumentDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleDescriptionText(str) {
	    return str;
	  }
	  styleOptionTerm(str) {
	    return this.styleOptionText(str);
	  }
	  styleSubcommandTerm(str) {
	    // This is very like usage with lots of parts! Assume default string which is formed like:
	    //    subcommand [options] <foo> [bar]
	    return str
	      .split(' ')
	      .map((word) => {
	        if (word === '[options]') return this.styleOptionText(word);
	        if (word[0] === '[' || word[0] === '<')
	          return this.styleArgumentText(word);
	        return this.styleSubcommandText(word); // Restrict to initial words?
	      })
	      .join(' ');
	  }
	  styleArgumentTerm(str) {
	    return this.styleArgumentText(str);
	  }
	  styleOptionText(str) {
	    return str;
	  }
	  styleArgumentText(str) {
	    return str;
	  }
	  styleSubcommandText(str) {
	    return str;
	  }
	  styleCommandText(str) {
	    return str;
	  }

	  /**
	   * Calculate the pad width from the maximum term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  padWidth(cmd, helper) {
	    return Math.max(
	      helper.longestOptionTermLength(cmd, helper),
	      helper.longestGlobalOptionTermLength(cmd, helper),
	      helper.longestSubcommandTermLength(cmd, helper),
	      helper.longestArgumentTermLength(cmd, helper),
	    );
	  }

	  /**
	   * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
	   *
	   * @param {string} str
	   * @returns {boolean}
	   */
	  preformatted(str) {
	    return /\n[^\S\r\n]/.test(str);
	  }

	  /**
	   * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
	   *
	   * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
	   *   TTT  DDD DDDD
	   *        DD DDD
	   *
	   * @param {string} term
	   * @param {number} termWidth
	   * @param {string} description
	   * @param {Help} helper
	   * @returns {string}
	   */
	  formatItem(term, termWidth, description, helper) {
	    const itemIndent = 2;
	    const itemIndentStr = ' '.repeat(itemIndent);
	    if (!description) return itemIndentStr + term;

	    // Pad the term out to a consistent width, so descriptions are aligned.
	    const paddedTerm = term.padEnd(
	      termWidth + term.length - helper.displayWidth(term),
	    );

	    // Format the description.
	    const spacerWidth = 2; // between term and description
	    const helpWidth = this.helpWidth ?? 80; // in case prepareContext() was not called
	    const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
	    let formattedDescription;
	    if (
	      remainingWidth < this.minWidthToWrap ||
	      helper.preformatted(description)
	    ) {
	      formattedDescription = description;
	    } else {
	      const wrappedDescription = helper.boxWrap(description, remainingWidth);
	      formattedDescription = wrappedDescription.replace(
	        /\n/g,
	        '\n' + ' '.repeat(termWidth + spacerWidth),
	      );
	    }

	    // Construct and overall indent.
	    return (
	      itemIndentStr +
	      paddedTerm +
	      ' '.repeat(spacerWidth) +
	      formattedDescription.replace(/\n/g, `\n${itemIndentStr}`)
	    );
	  }

	  /**
	   * Wrap a string at whitespace, preserving existing line breaks.
	   * Wrapping is skipped if the width is less than `minWidthToWrap`.
	   *
	   * @param {string} str
	   * @param {number} width
	   * @returns {string}
	   */
	  boxWrap(str, width) {
	    if (width < this.minWidthToWrap) return str;

	    const rawLines = str.split(/\r\n|\n/);
	    // split up text by whitespace
	    const chunkPattern = /[\s]*[^\s]+/g;
	    const wrappedLines = [];
	    rawLines.forEach((line) => {
	      const chunks = line.match(chunkPattern);
	      if (chunks === null) {
	        wrappedLines.push('');
	        return;
	      }

	      let sumChunks = [chunks.shift()];
	      let sumWidth = this.displayWidth(sumChunks[0]);
	      chunks.forEach((chunk) => {
	        const visibleWidth = this.displayWidth(chunk);
	        // Accumulate chunks while they fit into width.
	        if (sumWidth + visibleWidth <= width) {
	          sumChunks.push(chunk);
	          sumWidth += visibleWidth;
	          return;
	        }
	        wrappedLines.push(sumChunks.join(''));

	        const nextChunk = chunk.trimStart(); // trim space at line break
	        sumChunks = [nextChunk];
	        sumWidth = this.displayWidth(nextChunk);
	      });
	      wrappedLines.push(sumChunks.join(''));
	    });

	    return wrappedLines.join('\n');
	  }
	}

	/**
	 * Strip style ANSI escape sequences from the string. In particular, SGR (Select Graphic Rendition) codes.
	 *
	 * @param {string} str
	 * @returns {string}
	 * @package
	 */

	function stripColor(str) {
	  // eslint-disable-next-line no-control-regex
	  const sgrPattern = /\x1b\[\d*(;\d*)*m/g;
	  return str.replace(sgrPattern, '');
	}

	help.Help = Help;
	help.stripColor = stripColor;
	return help;
}

var option = {};

var hasRequiredOption;

function requireOption () {
	if (hasRequiredOption) return option;
	hasRequiredOption = 1;
	const { InvalidArgumentError } = requireError();

	class Option {
	  /**
	   * Initialize a new `Option` with the given `flags` and `description`.
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   */

	  constructor(flags, description) {
	    this.flags = flags;
	    this.description = description || '';

	    this.required = flags.includes('<'); // A value must be supplied when the option is specified.
	    this.optional = flags.includes('['); // A value is optional when the option is specified.
	    // variadic test ignores <value,...> et al which might be used to describe custom splitting of single argument
	    this.variadic = /\w\.\.\.[>\]]$/.test(flags); // The option can take multiple values.
	    this.mandatory = false; // The option must have a value after parsing, which usually means it must be specified on command line.
	    const optionFlags = splitOptionFlags(flags);
	    this.short = optionFlags.shortFlag; // May be a short flag, undefined, or even a long flag (if option has two long flags).
	    this.long = optionFlags.longFlag;
	    this.negate = false;
	    if (this.long) {
	      this.negate = this.long.startsWith('--no-');
	    }
	    this.defaultValue = undefined;
	    this.defaultValueDescription = undefined;
	    this.presetArg = undefined;
	    this.envVar = undefined;
	    this.parseArg = undefined;
	    this.hidden = false;
	    this.argChoices = undefined;
	    this.conflictsWith = [];
	    this.implied = undefined;
	    this.helpGroupHeading = undefined; // soft initialised when option added to command
	  }

	  /**
	   * Set the default value, and optionally supply the description to be displayed in the help.
	   *
	   * @param {*} value
	   * @param {string} [description]
	   * @return {Option}
	   */

	  default(value, description) {
	    this.defaultValue = value;
	    this.defaultValueDescription = description;
	    return this;
	  }

	  /**
	   * Preset to use when option used without option-argument, especially optional but also boolean and negated.
	   * The custom processing (parseArg) is called.
	   *
	   * @example
	   * new Option('--color').default('GREYSCALE').preset('RGB');
	   * new Option('--donate [amount]').preset('20').argParser(parseFloat);
	   *
	   * @param {*} arg
	   * @return {Option}
	   */

	  preset(arg) {
	    this.presetArg = arg;
	    return this;
	  }

	  /**
	   * Add option name(s) that conflict with this option.
	   * An error will be displayed if conflicting options are found during parsing.
	   *
	   * @example
	   * new Option('--rgb').conflicts('cmyk');
	   * new Option('--js').conflicts(['ts', 'jsx']);
	   *
	   * @param {(string | string[])} names
	   * @return {Option}
	   */

	  conflicts(names) {
	    this.conflictsWith = this.conflictsWith.concat(names);
	    return this;
	  }

	  /**
	   * Specify implied option values for when this option is set and the implied options are not.
	   *
	   * The custom processing (parseArg) is not called on the implied values.
	   *
	   * @example
	   * program
	   *   .addOption(new Option('--log', 'write logging information to file'))
	   *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
	   *
	   * @param {object} impliedOptionValues
	   * @return {Option}
	   */
	  implies(impliedOptionValues) {
	    let newImplied = impliedOptionValues;
	    if (typeof impliedOptionValues === 'string') {
	      // string is not documented, but easy mistake and we can do what user probably intended.
	      newImplied = { [impliedOptionValues]: true };
	    }
	    this.implied = Object.assign(this.implied || {}, newImplied);
	    return this;
	  }

	  /**
	   * Set environment variable to check for option value.
	   *
	   * An environment variable is only used if when processed the current option value is
	   * undefined, or the source of the current value is 'default' or 'config' or 'env'.
	   *
	   * @param {string} name
	   * @return {Option}
	   */

	  env(name) {
	    this.envVar = name;
	    return this;
	  }

	  /**
	   * Set the custom handler for processing CLI option arguments into option values.
	   *
	   * @param {Function} [fn]
	   * @return {Option}
	   */

	  argParser(fn) {
	    this.parseArg = fn;
	    return this;
	  }

	  /**
	   * Whether the option is mandatory and must have a value after parsing.
	   *
	   * @param {boolean} [mandatory=true]
	   * @return {Option}
	   */

	  makeOptionMandatory(mandatory = true) {
	    this.mandatory = !!mandatory;
	    return this;
	  }

	  /**
	   * Hide option in help.
	   *
	   * @param {boolean} [hide=true]
	   * @return {Option}
	   */

	  hideHelp(hide = true) {
	    this.hidden = !!hide;
	    return this;
	  }

	  /**
	   * @package
	   */

	  _collectValue(value, previous) {
	    if (previous === this.defaultValue || !Array.isArray(previous)) {
	      return [value];
	    }

	    previous.push(value);
	    return previous;
	  }

	  /**
	   * Only allow option value to be one of choices.
	   *
	   * @param {string[]} values
	   * @return {Option}
	   */

	  choices(values) {
	    this.argChoices = values.slice();
	    this.parseArg = (arg, previous) => {
	      if (!this.argChoices.includes(arg)) {
	        throw new InvalidArgumentError(
	          `Allowed choices are ${this.argChoices.join(', ')}.`,
	        );
	      }
	      if (this.variadic) {
	        return this._collectValue(arg, previous);
	      }
	      return arg;
	    };
	    return this;
	  }

	  /**
	   * Return option name.
	   *
	   * @return {string}
	   */

	  name() {
	    if (this.long) {
	      return this.long.replace(/^--/, '');
	    }
	    return this.short.replace(/^-/, '');
	  }

	  /**
	   * Return option name, in a camelcase format that can be used
	   * as an object attribute key.
	   *
	   * @return {string}
	   */

	  attributeName() {
	    if (this.negate) {
	      return camelcase(this.name().replace(/^no-/, ''));
	    }
	    return camelcase(this.name());
	  }

	  /**
	   * Set the help group heading.
	   *
	   * @param {string} heading
	   * @return {Option}
	   */
	  helpGroup(heading) {
	    this.helpGroupHeading = heading;
	    return this;
	  }

	  /**
	   * Check if `arg` matches the short or long flag.
	   *
	   * @param {string} arg
	   * @return {boolean}
	   * @package
	   */

	  is(arg) {
	    return this.short === arg || this.long === arg;
	  }

	  /**
	   * Return whether a boolean option.
	   *
	   * Options are one of boolean, negated, required argument, or optional argument.
	   *
	   * @return {boolean}
	   * @package
	   */

	  isBoolean() {
	    return !this.required && !this.optional && !this.negate;
	  }
	}

	/**
	 * This class is to make it easier to work with dual options, without changing the existing
	 * implementation. We support separate dual options for separate positive and negative options,
	 * like `--build` and `--no-build`, which share a single option value. This works nicely for some
	 * use cases, but is tricky for others where we want separate behaviours despite
	 * the single shared option value.
	 */
	class DualOptions {
	  /**
	   * @param {Option[]} options
	   */
	  constructor(options) {
	    this.positiveOptions = new Map();
	    this.negativeOptions = new Map();
	    this.dualOptions = new Set();
	    options.forEach((option) => {
	      if (option.negate) {
	        this.negativeOptions.set(option.attributeName(), option);
	      } else {
	        this.positiveOptions.set(option.attributeName(), option);
	      }
	    });
	    this.negativeOptions.forEach((value, key) => {
	      if (this.positiveOptions.has(key)) {
	        this.dualOptions.add(key);
	      }
	    });
	  }

	  /**
	   * Did the value come from the option, and not from possible matching dual option?
	   *
	   * @param {*} value
	   * @param {Option} option
	   * @returns {boolean}
	   */
	  valueFromOption(value, option) {
	    const optionKey = option.attributeName();
	    if (!this.dualOptions.has(optionKey)) return true;

	    // Use the value to deduce if (probably) came from the option.
	    const preset = this.negativeOptions.get(optionKey).presetArg;
	    const negativeValue = preset !== undefined ? preset : false;
	    return option.negate === (negativeValue === value);
	  }
	}

	/**
	 * Convert string from kebab-case to camelCase.
	 *
	 * @param {string} str
	 * @return {string}
	 * @private
	 */

	function camelcase(str) {
	  return str.split('-').reduce((str, word) => {
	    return str + word[0].toUpperCase() + word.slice(1);
	  });
	}

	/**
	 * Split the short and long flag out of something like '-m,--mixed <value>'
	 *
	 * @private
	 */

	function splitOptionFlags(flags) {
	  let shortFlag;
	  let longFlag;
	  // short flag, single dash and single character
	  const shortFlagExp = /^-[^-]$/;
	  // long flag, double dash and at least one character
	  const longFlagExp = /^--[^-]/;

	  const flagParts = flags.split(/[ |,]+/).concat('guard');
	  // Normal is short and/or long.
	  if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
	  if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
	  // Long then short. Rarely used but fine.
	  if (!shortFlag && shortFlagExp.test(flagParts[0]))
	    shortFlag = flagParts.shift();
	  // Allow two long flags, like '--ws, --workspace'
	  // This is the supported way to have a shortish option flag.
	  if (!shortFlag && longFlagExp.test(flagParts[0])) {
	    shortFlag = longFlag;
	    longFlag = flagParts.shift();
	  }

	  // Check for unprocessed flag. Fail noisily rather than silently ignore.
	  if (flagParts[0].startsWith('-')) {
	    const unsupportedFlag = flagParts[0];
	    const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
	    if (/^-[^-][^-]/.test(unsupportedFlag))
	      throw new Error(
	        `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`,
	      );
	    if (shortFlagExp.test(unsupportedFlag))
	      throw new Error(`${baseError}
- too many short flags`);
	    if (longFlagExp.test(unsupportedFlag))
	      throw new Error(`${baseError}
- too many long flags`);

	    throw new Error(`${baseError}
- unrecognised flag format`);
	  }
	  if (shortFlag === undefined && longFlag === undefined)
	    throw new Error(
	      `option creation failed due to no flags found in '${flags}'.`,
	    );

	  return { shortFlag, longFlag };
	}

	option.Option = Option;
	option.DualOptions = DualOptions;
	return option;
}

var suggestSimilar = {};

var hasRequiredSuggestSimilar;

function requireSuggestSimilar () {
	if (hasRequiredSuggestSimilar) return suggestSimilar;
	hasRequiredSuggestSimilar = 1;
	const maxDistance = 3;

	function editDistance(a, b) {
	  // https://en.wikipedia.org/wiki/Damerau–Levenshtein_distance
	  // Calculating optimal string alignment distance, no substring is edited more than once.
	  // (Simple implementation.)

	  // Quick early exit, return worst case.
	  if (Math.abs(a.length - b.length) > maxDistance)
	    return Math.max(a.length, b.length);

	  // distance between prefix substrings of a and b
	  const d = [];

	  // pure deletions turn a into empty string
	  for (let i = 0; i <= a.length; i++) {
	    d[i] = [i];
	  }
	  // pure insertions turn empty string into b
	  for (let j = 0; j <= b.length; j++) {
	    d[0][j] = j;
	  }

	  // fill matrix
	  for (let j = 1; j <= b.length; j++) {
	    for (let i = 1; i <= a.length; i++) {
	      let cost = 1;
	      if (a[i - 1] === b[j - 1]) {
	        cost = 0;
	      } else {
	        cost = 1;
	      }
	      d[i][j] = Math.min(
	        d[i - 1][j] + 1, // deletion
	        d[i][j - 1] + 1, // insertion
	        d[i - 1][j - 1] + cost, // substitution
	      );
	      // transposition
	      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
	        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
	      }
	    }
	  }

	  return d[a.length][b.length];
	}

	/**
	 * Find close matches, restricted to same number of edits.
	 *
	 * @param {string} word
	 * @param {string[]} candidates
	 * @returns {string}
	 */

	function suggestSimilar$1(word, candidates) {
	  if (!candidates || candidates.length === 0) return '';
	  // remove possible duplicates
	  candidates = Array.from(new Set(candidates));

	  const searchingOptions = word.startsWith('--');
	  if (searchingOptions) {
	    word = word.slice(2);
	    candidates = candidates.map((candidate) => candidate.slice(2));
	  }

	  let similar = [];
	  let bestDistance = maxDistance;
	  const minSimilarity = 0.4;
	  candidates.forEach((candidate) => {
	    if (candidate.length <= 1) return; // no one character guesses

	    const distance = editDistance(word, candidate);
	    const length = Math.max(word.length, candidate.length);
	    const similarity = (length - distance) / length;
	    if (similarity > minSimilarity) {
	      if (distance < bestDistance) {
	        // better edit distance, throw away previous worse matches
	        bestDistance = distance;
	        similar = [candidate];
	      } else if (distance === bestDistance) {
	        similar.push(candidate);
	      }
	    }
	  });

	  similar.sort((a, b) => a.localeCompare(b));
	  if (searchingOptions) {
	    similar = similar.map((candidate) => `--${candidate}`);
	  }

	  if (similar.length > 1) {
	    return `\n(Did you mean one of ${similar.join(', ')}?)`;
	  }
	  if (similar.length === 1) {
	    return `\n(Did you mean ${similar[0]}?)`;
	  }
	  return '';
	}

	suggestSimilar.suggestSimilar = suggestSimilar$1;
	return suggestSimilar;
}

var hasRequiredCommand;

function requireCommand () {
	if (hasRequiredCommand) return command;
	hasRequiredCommand = 1;
	const EventEmitter = require$$0.EventEmitter;
	const childProcess = require$$1;
	const path = require$$2;
	const fs = require$$3$1;
	const process = require$$4;

	const { Argument, humanReadableArgName } = requireArgument();
	const { CommanderError } = requireError();
	const { Help, stripColor } = requireHelp();
	const { Option, DualOptions } = requireOption();
	const { suggestSimilar } = requireSuggestSimilar();

	class Command extends EventEmitter {
	  /**
	   * Initialize a new `Command`.
	   *
	   * @param {string} [name]
	   */

	  constructor(name) {
	    super();
	    /** @type {Command[]} */
	    this.commands = [];
	    /** @type {Option[]} */
	    this.options = [];
	    this.parent = null;
	    this._allowUnknownOption = false;
	    this._allowExcessArguments = false;
	    /** @type {Argument[]} */
	    this.registeredArguments = [];
	    this._args = this.registeredArguments; // deprecated old name
	    /** @type {string[]} */
	    this.args = []; // cli args with options removed
	    this.rawArgs = [];
	    this.processedArgs = []; // like .args but after custom processing and collecting variadic
	    this._scriptPath = null;
	    this._name = name || '';
	    this._optionValues = {};
	    this._optionValueSources = {}; // default, env, cli etc
	    this._storeOptionsAsProperties = false;
	    this._actionHandler = null;
	    this._executableHandler = false;
	    this._executableFile = null; // custom name for executable
	    this._executableDir = null; // custom search directory for subcommands
	    this._defaultCommandName = null;
	    this._exitCallback = null;
	    this._aliases = [];
	    this._combineFlagAndOptionalValue = true;
	    this._description = '';
	    this._summary = '';
	    this._argsDescription = undefined; // legacy
	    this._enablePositionalOptions = false;
	    this._passThroughOptions = false;
	    this._lifeCycleHooks = {}; // a hash of arrays
	    /** @type {(boolean | string)} */
	    this._showHelpAfterError = false;
	    this._showSuggestionAfterError = true;
	    this._savedState = null; // used in save/restoreStateBeforeParse

	    // see configureOutput() for docs
	    this._outputConfiguration = {
	      writeOut: (str) => process.stdout.write(str),
	      writeErr: (str) => process.stderr.write(str),
	      outputError: (str, write) => write(str),
	      getOutHelpWidth: () =>
	        process.stdout.isTTY ? process.stdout.columns : undefined,
	      getErrHelpWidth: () =>
	        process.stderr.isTTY ? process.stderr.columns : undefined,
	      getOutHasColors: () =>
	        useColor() ?? (process.stdout.isTTY && process.stdout.hasColors?.()),
	      getErrHasColors: () =>
	        useColor() ?? (process.stderr.isTTY && process.stderr.hasColors?.()),
	      stripColor: (str) => stripColor(str),
	    };

	    this._hidden = false;
	    /** @type {(Option | null | undefined)} */
	    this._helpOption = undefined; // Lazy created on demand. May be null if help option is disabled.
	    this._addImplicitHelpCommand = undefined; // undecided whether true or false yet, not inherited
	    /** @type {Command} */
	    this._helpCommand = undefined; // lazy initialised, inherited
	    this._helpConfiguration = {};
	    /** @type {string | undefined} */
	    this._helpGroupHeading = undefined; // soft initialised when added to parent
	    /** @type {string | undefined} */
	    this._defaultCommandGroup = undefined;
	    /** @type {string | undefined} */
	    this._defaultOptionGroup = undefined;
	  }

	  /**
	   * Copy settings that are useful to have in common across root command and subcommands.
	   *
	   * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
	   *
	   * @param {Command} sourceCommand
	   * @return {Command} `this` command for chaining
	   */
	  copyInheritedSettings(sourceCommand) {
	    this._outputConfiguration = sourceCommand._outputConfiguration;
	    this._helpOption = sourceCommand._helpOption;
	    this._helpCommand = sourceCommand._helpCommand;
	    this._helpConfiguration = sourceCommand._helpConfiguration;
	    this._exitCallback = sourceCommand._exitCallback;
	    this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
	    this._combineFlagAndOptionalValue =
	      sourceCommand._combineFlagAndOptionalValue;
	    this._allowExcessArguments = sourceCommand._allowExcessArguments;
	    this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
	    this._showHelpAfterError = sourceCommand._showHelpAfterError;
	    this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;

	    return this;
	  }

	  /**
	   * @returns {Command[]}
	   * @private
	   */

	  _getCommandAndAncestors() {
	    const result = [];
	    // eslint-disable-next-line @typescript-eslint/no-this-alias
	    for (let command = this; command; command = command.parent) {
	      result.push(command);
	    }
	    return result;
	  }

	  /**
	   * Define a command.
	   *
	   * There are two styles of command: pay attention to where to put the description.
	   *
	   * @example
	   * // Command implemented using action handler (description is supplied separately to `.command`)
	   * program
	   *   .command('clone <source> [destination]')
	   *   .description('clone a repository into a newly created directory')
	   *   .action((source, destination) => {
	   *     console.log('clone command called');
	   *   });
	   *
	   * // Command implemented using separate executable file (description is second parameter to `.command`)
	   * program
	   *   .command('start <service>', 'start named service')
	   *   .command('stop [service]', 'stop named service, or all if no name supplied');
	   *
	   * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
	   * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
	   * @param {object} [execOpts] - configuration options (for executable)
	   * @return {Command} returns new command for action handler, or `this` for executable command
	   */

	  command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
	    let desc = actionOptsOrExecDesc;
	    let opts = execOpts;
	    if (typeof desc === 'object' && desc !== null) {
	      opts = desc;
	      desc = null;
	    }
	    opts = opts || {};
	    const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);

	    const cmd = this.createCommand(name);
	    if (desc) {
	      cmd.description(desc);
	      cmd._executableHandler = true;
	    }
	    if (opts.isDefault) this._defaultCommandName = cmd._name;
	    cmd._hidden = !!(opts.noHelp || opts.hidden); // noHelp is deprecated old name for hidden
	    cmd._executableFile = opts.executableFile || null; // Custom name for executable file, set missing to null to match constructor
	    if (args) cmd.arguments(args);
	    this._registerCommand(cmd);
	    cmd.parent = this;
	    cmd.copyInheritedSettings(this);

	    if (desc) return this;
	    return cmd;
	  }

	  /**
	   * Factory routine to create a new unattached command.
	   *
	   * See .command() for creating an attached subcommand, which uses this routine to
	   * create the command. You can override createCommand to customise subcommands.
	   *
	   * @param {string} [name]
	   * @return {Command} new command
	   */

	  createCommand(name) {
	    return new Command(name);
	  }

	  /**
	   * You can customise the help with a subclass of Help by overriding createHelp,
	   * or by overriding Help properties using configureHelp().
	   *
	   * @return {Help}
	   */

	  createHelp() {
	    return Object.assign(new Help(), this.configureHelp());
	  }

	  /**
	   * You can customise the help by overriding Help properties using configureHelp(),
	   * or with a subclass of Help by overriding createHelp().
	   *
	   * @param {object} [configuration] - configuration options
	   * @return {(Command | object)} `this` command for chaining, or stored configuration
	   */

	  configureHelp(configuration) {
	    if (configuration === undefined) return this._helpConfiguration;

	    this._helpConfiguration = configuration;
	    return this;
	  }

	  /**
	   * The default output goes to stdout and stderr. You can customise this for special
	   * applications. You can also customise the display of errors by overriding outputError.
	   *
	   * The configuration properties are all functions:
	   *
	   *     // change how output being written, defaults to stdout and stderr
	   *     writeOut(str)
	   *     writeErr(str)
	   *     // change how output being written for errors, defaults to writeErr
	   *     outputError(str, write) // used for displaying errors and not used for displaying help
	   *     // specify width for wrapping help
	   *     getOutHelpWidth()
	   *     getErrHelpWidth()
	   *     // color support, currently only used with Help
	   *     getOutHasColors()
	   *     getErrHasColors()
	   *     stripColor() // used to remove ANSI escape codes if output does not have colors
	   *
	   * @param {object} [configuration] - configuration options
	   * @return {(Command | object)} `this` command for chaining, or stored configuration
	   */

	  configureOutput(configuration) {
	    if (configuration === undefined) return this._outputConfiguration;

	    this._outputConfiguration = {
	      ...this._outputConfiguration,
	      ...configuration,
	    };
	    return this;
	  }

	  /**
	   * Display the help or a custom message after an error occurs.
	   *
	   * @param {(boolean|string)} [displayHelp]
	   * @return {Command} `this` command for chaining
	   */
	  showHelpAfterError(displayHelp = true) {
	    if (typeof displayHelp !== 'string') displayHelp = !!displayHelp;
	    this._showHelpAfterError = displayHelp;
	    return this;
	  }

	  /**
	   * Display suggestion of similar commands for unknown commands, or options for unknown options.
	   *
	   * @param {boolean} [displaySuggestion]
	   * @return {Command} `this` command for chaining
	   */
	  showSuggestionAfterError(displaySuggestion = true) {
	    this._showSuggestionAfterError = !!displaySuggestion;
	    return this;
	  }

	  /**
	   * Add a prepared subcommand.
	   *
	   * See .command() for creating an attached subcommand which inherits settings from its parent.
	   *
	   * @param {Command} cmd - new subcommand
	   * @param {object} [opts] - configuration options
	   * @return {Command} `this` command for chaining
	   */

	  addCommand(cmd, opts) {
	    if (!cmd._name) {
	      throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
	    }

	    opts = opts || {};
	    if (opts.isDefault) this._defaultCommandName = cmd._name;
	    if (opts.noHelp || opts.hidden) cmd._hidden = true; // modifying passed command due to existing implementation

	    this._registerCommand(cmd);
	    cmd.parent = this;
	    cmd._checkForBrokenPassThrough();

	    return this;
	  }

	  /**
	   * Factory routine to create a new unattached argument.
	   *
	   * See .argument() for creating an attached argument, which uses this routine to
	   * create the argument. You can override createArgument to return a custom argument.
	   *
	   * @param {string} name
	   * @param {string} [description]
	   * @return {Argument} new argument
	   */

	  createArgument(name, description) {
	    return new Argument(name, description);
	  }

	  /**
	   * Define argument syntax for command.
	   *
	   * The default is that the argument is required, and you can explicitly
	   * indicate this with <> around the name. Put [] around the name for an optional argument.
	   *
	   * @example
	   * program.argument('<input-file>');
	   * program.argument('[output-file]');
	   *
	   * @param {string} name
	   * @param {string} [description]
	   * @param {(Function|*)} [parseArg] - custom argument processing function or default value
	   * @param {*} [defaultValue]
	   * @return {Command} `this` command for chaining
	   */
	  argument(name, description, parseArg, defaultValue) {
	    const argument = this.createArgument(name, description);
	    if (typeof parseArg === 'function') {
	      argument.default(defaultValue).argParser(parseArg);
	    } else {
	      argument.default(parseArg);
	    }
	    this.addArgument(argument);
	    return this;
	  }

	  /**
	   * Define argument syntax for command, adding multiple at once (without descriptions).
	   *
	   * See also .argument().
	   *
	   * @example
	   * program.arguments('<cmd> [env]');
	   *
	   * @param {string} names
	   * @return {Command} `this` command for chaining
	   */

	  arguments(names) {
	    names
	      .trim()
	      .split(/ +/)
	      .forEach((detail) => {
	        this.argument(detail);
	      });
	    return this;
	  }

	  /**
	   * Define argument syntax for command, adding a prepared argument.
	   *
	   * @param {Argument} argument
	   * @return {Command} `this` command for chaining
	   */
	  addArgument(argument) {
	    const previousArgument = this.registeredArguments.slice(-1)[0];
	    if (previousArgument?.variadic) {
	      throw new Error(
	        `only the last argument can be variadic '${previousArgument.name()}'`,
	      );
	    }
	    if (
	      argument.required &&
	      argument.defaultValue !== undefined &&
	      argument.parseArg === undefined
	    ) {
	      throw new Error(
	        `a default value for a required argument is never used: '${argument.name()}'`,
	      );
	    }
	    this.registeredArguments.push(argument);
	    return this;
	  }

	  /**
	   * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
	   *
	   * @example
	   *    program.helpCommand('help [cmd]');
	   *    program.helpCommand('help [cmd]', 'show help');
	   *    program.helpCommand(false); // suppress default help command
	   *    program.helpCommand(true); // add help command even if no subcommands
	   *
	   * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
	   * @param {string} [description] - custom description
	   * @return {Command} `this` command for chaining
	   */

	  helpCommand(enableOrNameAndArgs, description) {
	    if (typeof enableOrNameAndArgs === 'boolean') {
	      this._addImplicitHelpCommand = enableOrNameAndArgs;
	      if (enableOrNameAndArgs && this._defaultCommandGroup) {
	        // make the command to store the group
	        this._initCommandGroup(this._getHelpCommand());
	      }
	      return this;
	    }

	    const nameAndArgs = enableOrNameAndArgs ?? 'help [command]';
	    const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
	    const helpDescription = description ?? 'display help for command';

	    const helpCommand = this.createCommand(helpName);
	    helpCommand.helpOption(false);
	    if (helpArgs) helpCommand.arguments(helpArgs);
	    if (helpDescription) helpCommand.description(helpDescription);

	    this._addImplicitHelpCommand = true;
	    this._helpCommand = helpCommand;
	    // init group unless lazy create
	    if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);

	    return this;
	  }

	  /**
	   * Add prepared custom help command.
	   *
	   * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
	   * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
	   * @return {Command} `this` command for chaining
	   */
	  addHelpCommand(helpCommand, deprecatedDescription) {
	    // If not passed an object, call through to helpCommand for backwards compatibility,
	    // as addHelpCommand was originally used like helpCommand is now.
	    if (typeof helpCommand !== 'object') {
	      this.helpCommand(helpCommand, deprecatedDescription);
	      return this;
	    }

	    this._addImplicitHelpCommand = true;
	    this._helpCommand = helpCommand;
	    this._initCommandGroup(helpCommand);
	    return this;
	  }

	  /**
	   * Lazy create help command.
	   *
	   * @return {(Command|null)}
	   * @package
	   */
	  _getHelpCommand() {
	    const hasImplicitHelpCommand =
	      this._addImplicitHelpCommand ??
	      (this.commands.length &&
	        !this._actionHandler &&
	        !this._findCommand('help'));

	    if (hasImplicitHelpCommand) {
	      if (this._helpCommand === undefined) {
	        this.helpCommand(undefined, undefined); // use default name and description
	      }
	      return this._helpCommand;
	    }
	    return null;
	  }

	  /**
	   * Add hook for life cycle event.
	   *
	   * @param {string} event
	   * @param {Function} listener
	   * @return {Command} `this` command for chaining
	   */

	  hook(event, listener) {
	    const allowedValues = ['preSubcommand', 'preAction', 'postAction'];
	    if (!allowedValues.includes(event)) {
	      throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
	    }
	    if (this._lifeCycleHooks[event]) {
	      this._lifeCycleHooks[event].push(listener);
	    } else {
	      this._lifeCycleHooks[event] = [listener];
	    }
	    return this;
	  }

	  /**
	   * Register callback to use as replacement for calling process.exit.
	   *
	   * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
	   * @return {Command} `this` command for chaining
	   */

	  exitOverride(fn) {
	    if (fn) {
	      this._exitCallback = fn;
	    } else {
	      this._exitCallback = (err) => {
	        if (err.code !== 'commander.executeSubCommandAsync') {
	          throw err;
	        }
	      };
	    }
	    return this;
	  }

	  /**
	   * Call process.exit, and _exitCallback if defined.
	   *
	   * @param {number} exitCode exit code for using with process.exit
	   * @param {string} code an id string representing the error
	   * @param {string} message human-readable description of the error
	   * @return never
	   * @private
	   */

	  _exit(exitCode, code, message) {
	    if (this._exitCallback) {
	      this._exitCallback(new CommanderError(exitCode, code, message));
	      // Expecting this line is not reached.
	    }
	    process.exit(exitCode);
	  }

	  /**
	   * Register callback `fn` for the command.
	   *
	   * @example
	   * program
	   *   .command('serve')
	   *   .description('start service')
	   *   .action(function() {
	   *      // do work here
	   *   });
	   *
	   * @param {Function} fn
	   * @return {Command} `this` command for chaining
	   */

	  action(fn) {
	    const listener = (args) => {
	      // The .action callback takes an extra parameter which is the command or options.
	      const expectedArgsCount = this.registeredArguments.length;
	      const actionArgs = args.slice(0, expectedArgsCount);
	      if (this._storeOptionsAsProperties) {
	        actionArgs[expectedArgsCount] = this; // backwards compatible "options"
	      } else {
	        actionArgs[expectedArgsCount] = this.opts();
	      }
	      actionArgs.push(this);

	      return fn.apply(this, actionArgs);
	    };
	    this._actionHandler = listener;
	    return this;
	  }

	  /**
	   * Factory routine to create a new unattached option.
	   *
	   * See .option() for creating an attached option, which uses this routine to
	   * create the option. You can override createOption to return a custom option.
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   * @return {Option} new option
	   */

	  createOption(flags, description) {
	    return new Option(flags, description);
	  }

	  /**
	   * Wrap parseArgs to catch 'commander.invalidArgument'.
	   *
	   * @param {(Option | Argument)} target
	   * @param {string} value
	   * @param {*} previous
	   * @param {string} invalidArgumentMessage
	   * @private
	   */

	  _callParseArg(target, value, previous, invalidArgumentMessage) {
	    try {
	      return target.parseArg(value, previous);
	    } catch (err) {
	      if (err.code === 'commander.invalidArgument') {
	        const message = `${invalidArgumentMessage} ${err.message}`;
	        this.error(message, { exitCode: err.exitCode, code: err.code });
	      }
	      throw err;
	    }
	  }

	  /**
	   * Check for option flag conflicts.
	   * Register option if no conflicts found, or throw on conflict.
	   *
	   * @param {Option} option
	   * @private
	   */

	  _registerOption(option) {
	    const matchingOption =
	      (option.short && this._findOption(option.short)) ||
	      (option.long && this._findOption(option.long));
	    if (matchingOption) {
	      const matchingFlag =
	        option.long && this._findOption(option.long)
	          ? option.long
	          : option.short;
	      throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
	    }

	    this._initOptionGroup(option);
	    this.options.push(option);
	  }

	  /**
	   * Check for command name and alias conflicts with existing commands.
	   * Register command if no conflicts found, or throw on conflict.
	   *
	   * @param {Command} command
	   * @private
	   */

	  _registerCommand(command) {
	    const knownBy = (cmd) => {
	      return [cmd.name()].concat(cmd.aliases());
	    };

	    const alreadyUsed = knownBy(command).find((name) =>
	      this._findCommand(name),
	    );
	    if (alreadyUsed) {
	      const existingCmd = knownBy(this._findCommand(alreadyUsed)).join('|');
	      const newCmd = knownBy(command).join('|');
	      throw new Error(
	        `cannot add command '${newCmd}' as already have command '${existingCmd}'`,
	      );
	    }

	    this._initCommandGroup(command);
	    this.commands.push(command);
	  }

	  /**
	   * Add an option.
	   *
	   * @param {Option} option
	   * @return {Command} `this` command for chaining
	   */
	  addOption(option) {
	    this._registerOption(option);

	    const oname = option.name();
	    const name = option.attributeName();

	    // store default value
	    if (option.negate) {
	      // --no-foo is special and defaults foo to true, unless a --foo option is already defined
	      const positiveLongFlag = option.long.replace(/^--no-/, '--');
	      if (!this._findOption(positiveLongFlag)) {
	        this.setOptionValueWithSource(
	          name,
	          option.defaultValue === undefined ? true : option.defaultValue,
	          'default',
	        );
	      }
	    } else if (option.defaultValue !== undefined) {
	      this.setOptionValueWithSource(name, option.defaultValue, 'default');
	    }

	    // handler for cli and env supplied values
	    const handleOptionValue = (val, invalidValueMessage, valueSource) => {
	      // val is null for optional option used without an optional-argument.
	      // val is undefined for boolean and negated option.
	      if (val == null && option.presetArg !== undefined) {
	        val = option.presetArg;
	      }

	      // custom processing
	      const oldValue = this.getOptionValue(name);
	      if (val !== null && option.parseArg) {
	        val = this._callParseArg(option, val, oldValue, invalidValueMessage);
	      } else if (val !== null && option.variadic) {
	        val = option._collectValue(val, oldValue);
	      }

	      // Fill-in appropriate missing values. Long winded but easy to follow.
	      if (val == null) {
	        if (option.negate) {
	          val = false;
	        } else if (option.isBoolean() || option.optional) {
	          val = true;
	        } else {
	          val = ''; // not normal, parseArg might have failed or be a mock function for testing
	        }
	      }
	      this.setOptionValueWithSource(name, val, valueSource);
	    };

	    this.on('option:' + oname, (val) => {
	      const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
	      handleOptionValue(val, invalidValueMessage, 'cli');
	    });

	    if (option.envVar) {
	      this.on('optionEnv:' + oname, (val) => {
	        const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
	        handleOptionValue(val, invalidValueMessage, 'env');
	      });
	    }

	    return this;
	  }

	  /**
	   * Internal implementation shared by .option() and .requiredOption()
	   *
	   * @return {Command} `this` command for chaining
	   * @private
	   */
	  _optionEx(config, flags, description, fn, defaultValue) {
	    if (typeof flags === 'object' && flags instanceof Option) {
	      throw new Error(
	        'To add an Option object use addOption() instead of option() or requiredOption()',
	      );
	    }
	    const option = this.createOption(flags, description);
	    option.makeOptionMandatory(!!config.mandatory);
	    if (typeof fn === 'function') {
	      option.default(defaultValue).argParser(fn);
	    } else if (fn instanceof RegExp) {
	      // deprecated
	      const regex = fn;
	      fn = (val, def) => {
	        const m = regex.exec(val);
	        return m ? m[0] : def;
	      };
	      option.default(defaultValue).argParser(fn);
	    } else {
	      option.default(fn);
	    }

	    return this.addOption(option);
	  }

	  /**
	   * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
	   *
	   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
	   * option-argument is indicated by `<>` and an optional option-argument by `[]`.
	   *
	   * See the README for more details, and see also addOption() and requiredOption().
	   *
	   * @example
	   * program
	   *     .option('-p, --pepper', 'add pepper')
	   *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
	   *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
	   *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   * @param {(Function|*)} [parseArg] - custom option processing function or default value
	   * @param {*} [defaultValue]
	   * @return {Command} `this` command for chaining
	   */

	  option(flags, description, parseArg, defaultValue) {
	    return this._optionEx({}, flags, description, parseArg, defaultValue);
	  }

	  /**
	   * Add a required option which must have a value after parsing. This usually means
	   * the option must be specified on the command line. (Otherwise the same as .option().)
	   *
	   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   * @param {(Function|*)} [parseArg] - custom option processing function or default value
	   * @param {*} [defaultValue]
	   * @return {Command} `this` command for chaining
	   */

	  requiredOption(flags, description, parseArg, defaultValue) {
	    return this._optionEx(
	      { mandatory: true },
	      flags,
	      description,
	      parseArg,
	      defaultValue,
	    );
	  }

	  /**
	   * Alter parsing of short flags with optional values.
	   *
	   * @example
	   * // for `.option('-f,--flag [value]'):
	   * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
	   * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
	   *
	   * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
	   * @return {Command} `this` command for chaining
	   */
	  combineFlagAndOptionalValue(combine = true) {
	    this._combineFlagAndOptionalValue = !!combine;
	    return this;
	  }

	  /**
	   * Allow unknown options on the command line.
	   *
	   * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
	   * @return {Command} `this` command for chaining
	   */
	  allowUnknownOption(allowUnknown = true) {
	    this._allowUnknownOption = !!allowUnknown;
	    return this;
	  }

	  /**
	   * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
	   *
	   * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
	   * @return {Command} `this` command for chaining
	   */
	  allowExcessArguments(allowExcess = true) {
	    this._allowExcessArguments = !!allowExcess;
	    return this;
	  }

	  /**
	   * Enable positional options. Positional means global options are specified before subcommands which lets
	   * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
	   * The default behaviour is non-positional and global options may appear anywhere on the command line.
	   *
	   * @param {boolean} [positional]
	   * @return {Command} `this` command for chaining
	   */
	  enablePositionalOptions(positional = true) {
	    this._enablePositionalOptions = !!positional;
	    return this;
	  }

	  /**
	   * Pass through options that come after command-arguments rather than treat them as command-options,
	   * so actual command-options come before command-arguments. Turning this on for a subcommand requires
	   * positional options to have been enabled on the program (parent commands).
	   * The default behaviour is non-positional and options may appear before or after command-arguments.
	   *
	   * @param {boolean} [passThrough] for unknown options.
	   * @return {Command} `this` command for chaining
	   */
	  passThroughOptions(passThrough = true) {
	    this._passThroughOptions = !!passThrough;
	    this._checkForBrokenPassThrough();
	    return this;
	  }

	  /**
	   * @private
	   */

	  _checkForBrokenPassThrough() {
	    if (
	      this.parent &&
	      this._passThroughOptions &&
	      !this.parent._enablePositionalOptions
	    ) {
	      throw new Error(
	        `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`,
	      );
	    }
	  }

	  /**
	   * Whether to store option values as properties on command object,
	   * or store separately (specify false). In both cases the option values can be accessed using .opts().
	   *
	   * @param {boolean} [storeAsProperties=true]
	   * @return {Command} `this` command for chaining
	   */

	  storeOptionsAsProperties(storeAsProperties = true) {
	    if (this.options.length) {
	      throw new Error('call .storeOptionsAsProperties() before adding options');
	    }
	    if (Object.keys(this._optionValues).length) {
	      throw new Error(
	        'call .storeOptionsAsProperties() before setting option values',
	      );
	    }
	    this._storeOptionsAsProperties = !!storeAsProperties;
	    return this;
	  }

	  /**
	   * Retrieve option value.
	   *
	   * @param {string} key
	   * @return {object} value
	   */

	  getOptionValue(key) {
	    if (this._storeOptionsAsProperties) {
	      return this[key];
	    }
	    return this._optionValues[key];
	  }

	  /**
	   * Store option value.
	   *
	   * @param {string} key
	   * @param {object} value
	   * @return {Command} `this` command for chaining
	   */

	  setOptionValue(key, value) {
	    return this.setOptionValueWithSource(key, value, undefined);
	  }

	  /**
	   * Store option value and where the value came from.
	   *
	   * @param {string} key
	   * @param {object} value
	   * @param {string} source - expected values are default/config/env/cli/implied
	   * @return {Command} `this` command for chaining
	   */

	  setOptionValueWithSource(key, value, source) {
	    if (this._storeOptionsAsProperties) {
	      this[key] = value;
	    } else {
	      this._optionValues[key] = value;
	    }
	    this._optionValueSources[key] = source;
	    return this;
	  }

	  /**
	   * Get source of option value.
	   * Expected values are default | config | env | cli | implied
	   *
	   * @param {string} key
	   * @return {string}
	   */

	  getOptionValueSource(key) {
	    return this._optionValueSources[key];
	  }

	  /**
	   * Get source of option value. See also .optsWithGlobals().
	   * Expected values are default | config | env | cli | implied
	   *
	   * @param {string} key
	   * @return {string}
	   */

	  getOptionValueSourceWithGlobals(key) {
	    // global overwrites local, like optsWithGlobals
	    let source;
	    this._getCommandAndAncestors().forEach((cmd) => {
	      if (cmd.getOptionValueSource(key) !== undefined) {
	        source = cmd.getOptionValueSource(key);
	      }
	    });
	    return source;
	  }

	  /**
	   * Get user arguments from implied or explicit arguments.
	   * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
	   *
	   * @private
	   */

	  _prepareUserArgs(argv, parseOptions) {
	    if (argv !== undefined && !Array.isArray(argv)) {
	      throw new Error('first parameter to parse must be array or undefined');
	    }
	    parseOptions = parseOptions || {};

	    // auto-detect argument conventions if nothing supplied
	    if (argv === undefined && parseOptions.from === undefined) {
	      if (process.versions?.electron) {
	        parseOptions.from = 'electron';
	      }
	      // check node specific options for scenarios where user CLI args follow executable without scriptname
	      const execArgv = process.execArgv ?? [];
	      if (
	        execArgv.includes('-e') ||
	        execArgv.includes('--eval') ||
	        execArgv.includes('-p') ||
	        execArgv.includes('--print')
	      ) {
	        parseOptions.from = 'eval'; // internal usage, not documented
	      }
	    }

	    // default to using process.argv
	    if (argv === undefined) {
	      argv = process.argv;
	    }
	    this.rawArgs = argv.slice();

	    // extract the user args and scriptPath
	    let userArgs;
	    switch (parseOptions.from) {
	      case undefined:
	      case 'node':
	        this._scriptPath = argv[1];
	        userArgs = argv.slice(2);
	        break;
	      case 'electron':
	        // @ts-ignore: because defaultApp is an unknown property
	        if (process.defaultApp) {
	          this._scriptPath = argv[1];
	          userArgs = argv.slice(2);
	        } else {
	          userArgs = argv.slice(1);
	        }
	        break;
	      case 'user':
	        userArgs = argv.slice(0);
	        break;
	      case 'eval':
	        userArgs = argv.slice(1);
	        break;
	      default:
	        throw new Error(
	          `unexpected parse option { from: '${parseOptions.from}' }`,
	        );
	    }

	    // Find default name for program from arguments.
	    if (!this._name && this._scriptPath)
	      this.nameFromFilename(this._scriptPath);
	    this._name = this._name || 'program';

	    return userArgs;
	  }

	  /**
	   * Parse `argv`, setting options and invoking commands when defined.
	   *
	   * Use parseAsync instead of parse if any of your action handlers are async.
	   *
	   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
	   *
	   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
	   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
	   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
	   * - `'user'`: just user arguments
	   *
	   * @example
	   * program.parse(); // parse process.argv and auto-detect electron and special node flags
	   * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
	   * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
	   *
	   * @param {string[]} [argv] - optional, defaults to process.argv
	   * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
	   * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
	   * @return {Command} `this` command for chaining
	   */

	  parse(argv, parseOptions) {
	    this._prepareForParse();
	    const userArgs = this._prepareUserArgs(argv, parseOptions);
	    this._parseCommand([], userArgs);

	    return this;
	  }

	  /**
	   * Parse `argv`, setting options and invoking commands when defined.
	   *
	   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
	   *
	   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
	   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
	   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
	   * - `'user'`: just user arguments
	   *
	   * @example
	   * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
	   * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
	   * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
	   *
	   * @param {string[]} [argv]
	   * @param {object} [parseOptions]
	   * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
	   * @return {Promise}
	   */

	  async parseAsync(argv, parseOptions) {
	    this._prepareForParse();
	    const userArgs = this._prepareUserArgs(argv, parseOptions);
	    await this._parseCommand([], userArgs);

	    return this;
	  }

	  _prepareForParse() {
	    if (this._savedState === null) {
	      this.saveStateBeforeParse();
	    } else {
	      this.restoreStateBeforeParse();
	    }
	  }

	  /**
	   * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
	   * Not usually called directly, but available for subclasses to save their custom state.
	   *
	   * This is called in a lazy way. Only commands used in parsing chain will have state saved.
	   */
	  saveStateBeforeParse() {
	    this._savedState = {
	      // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
	      _name: this._name,
	      // option values before parse have default values (including false for negated options)
	      // shallow clones
	      _optionValues: { ...this._optionValues },
	      _optionValueSources: { ...this._optionValueSources },
	    };
	  }

	  /**
	   * Restore state before parse for calls after the first.
	   * Not usually called directly, but available for subclasses to save their custom state.
	   *
	   * This is called in a lazy way. Only commands used in parsing chain will have state restored.
	   */
	  restoreStateBeforeParse() {
	    if (this._storeOptionsAsProperties)
	      throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);

	    // clear state from _prepareUserArgs
	    this._name = this._savedState._name;
	    this._scriptPath = null;
	    this.rawArgs = [];
	    // clear state from setOptionValueWithSource
	    this._optionValues = { ...this._savedState._optionValues };
	    this._optionValueSources = { ...this._savedState._optionValueSources };
	    // clear state from _parseCommand
	    this.args = [];
	    // clear state from _processArguments
	    this.processedArgs = [];
	  }

	  /**
	   * Throw if expected executable is missing. Add lots of help for author.
	   *
	   * @param {string} executableFile
	   * @param {string} executableDir
	   * @param {string} subcommandName
	   */
	  _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
	    if (fs.existsSync(executableFile)) return;

	    const executableDirMessage = executableDir
	      ? `searched for local subcommand relative to directory '${executableDir}'`
	      : 'no directory for search for local subcommand, use .executableDir() to supply a custom directory';
	    const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
	    throw new Error(executableMissing);
	  }

	  /**
	   * Execute a sub-command executable.
	   *
	   * @private
	   */

	  _executeSubCommand(subcommand, args) {
	    args = args.slice();
	    let launchWithNode = false; // Use node for source targets so do not need to get permissions correct, and on Windows.
	    const sourceExt = ['.js', '.ts', '.tsx', '.mjs', '.cjs'];

	    function findFile(baseDir, baseName) {
	      // Look for specified file
	      const localBin = path.resolve(baseDir, baseName);
	      if (fs.existsSync(localBin)) return localBin;

	      // Stop looking if candidate already has an expected extension.
	      if (sourceExt.includes(path.extname(baseName))) return undefined;

	      // Try all the extensions.
	      const foundExt = sourceExt.find((ext) =>
	        fs.existsSync(`${localBin}${ext}`),
	      );
	      if (foundExt) return `${localBin}${foundExt}`;

	      return undefined;
	    }

	    // Not checking for help first. Unlikely to have mandatory and executable, and can't robustly test for help flags in external command.
	    this._checkForMissingMandatoryOptions();
	    this._checkForConflictingOptions();

	    // executableFile and executableDir might be full path, or just a name
	    let executableFile =
	      subcommand._executableFile || `${this._name}-${subcommand._name}`;
	    let executableDir = this._executableDir || '';
	    if (this._scriptPath) {
	      let resolvedScriptPath; // resolve possible symlink for installed npm binary
	      try {
	        resolvedScriptPath = fs.realpathSync(this._scriptPath);
	      } catch {
	        resolvedScriptPath = this._scriptPath;
	      }
	      executableDir = path.resolve(
	        path.dirname(resolvedScriptPath),
	        executableDir,
	      );
	    }

	    // Look for a local file in preference to a command in PATH.
	    if (executableDir) {
	      let localFile = findFile(executableDir, executableFile);

	      // Legacy search using prefix of script name instead of command name
	      if (!localFile && !subcommand._executableFile && this._scriptPath) {
	        const legacyName = path.basename(
	          this._scriptPath,
	          path.extname(this._scriptPath),
	        );
	        if (legacyName !== this._name) {
	          localFile = findFile(
	            executableDir,
	            `${legacyName}-${subcommand._name}`,
	          );
	        }
	      }
	      executableFile = localFile || executableFile;
	    }

	    launchWithNode = sourceExt.includes(path.extname(executableFile));

	    let proc;
	    if (process.platform !== 'win32') {
	      if (launchWithNode) {
	        args.unshift(executableFile);
	        // add executable arguments to spawn
	        args = incrementNodeInspectorPort(process.execArgv).concat(args);

	        proc = childProcess.spawn(process.argv[0], args, { stdio: 'inherit' });
	      } else {
	        proc = childProcess.spawn(executableFile, args, { stdio: 'inherit' });
	      }
	    } else {
	      this._checkForMissingExecutable(
	        executableFile,
	        executableDir,
	        subcommand._name,
	      );
	      args.unshift(executableFile);
	      // add executable arguments to spawn
	      args = incrementNodeInspectorPort(process.execArgv).concat(args);
	      proc = childProcess.spawn(process.execPath, args, { stdio: 'inherit' });
	    }

	    if (!proc.killed) {
	      // testing mainly to avoid leak warnings during unit tests with mocked spawn
	      const signals = ['SIGUSR1', 'SIGUSR2', 'SIGTERM', 'SIGINT', 'SIGHUP'];
	      signals.forEach((signal) => {
	        process.on(signal, () => {
	          if (proc.killed === false && proc.exitCode === null) {
	            // @ts-ignore because signals not typed to known strings
	            proc.kill(signal);
	          }
	        });
	      });
	    }

	    // By default terminate process when spawned process terminates.
	    const exitCallback = this._exitCallback;
	    proc.on('close', (code) => {
	      code = code ?? 1; // code is null if spawned process terminated due to a signal
	      if (!exitCallback) {
	        process.exit(code);
	      } else {
	        exitCallback(
	          new CommanderError(
	            code,
	            'commander.executeSubCommandAsync',
	            '(close)',
	          ),
	        );
	      }
	    });
	    proc.on('error', (err) => {
	      // @ts-ignore: because err.code is an unknown property
	      if (err.code === 'ENOENT') {
	        this._checkForMissingExecutable(
	          executableFile,
	          executableDir,
	          subcommand._name,
	        );
	        // @ts-ignore: because err.code is an unknown property
	      } else if (err.code === 'EACCES') {
	        throw new Error(`'${executableFile}' not executable`);
	      }
	      if (!exitCallback) {
	        process.exit(1);
	      } else {
	        const wrappedError = new CommanderError(
	          1,
	          'commander.executeSubCommandAsync',
	          '(error)',
	        );
	        wrappedError.nestedError = err;
	        exitCallback(wrappedError);
	      }
	    });

	    // Store the reference to the child process
	    this.runningCommand = proc;
	  }

	  /**
	   * @private
	   */

	  _dispatchSubcommand(commandName, operands, unknown) {
	    const subCommand = this._findCommand(commandName);
	    if (!subCommand) this.help({ error: true });

	    subCommand._prepareForParse();
	    let promiseChain;
	    promiseChain = this._chainOrCallSubCommandHook(
	      promiseChain,
	      subCommand,
	      'preSubcommand',
	    );
	    promiseChain = this._chainOrCall(promiseChain, () => {
	      if (subCommand._executableHandler) {
	        this._executeSubCommand(subCommand, operands.concat(unknown));
	      } else {
	        return subCommand._parseCommand(operands, unknown);
	      }
	    });
	    return promiseChain;
	  }

	  /**
	   * Invoke help directly if possible, or dispatch if necessary.
	   * e.g. help foo
	   *
	   * @private
	   */

	  _dispatchHelpCommand(subcommandName) {
	    if (!subcommandName) {
	      this.help();
	    }
	    const subCommand = this._findCommand(subcommandName);
	    if (subCommand && !subCommand._executableHandler) {
	      subCommand.help();
	    }

	    // Fallback to parsing the help flag to invoke the help.
	    return this._dispatchSubcommand(
	      subcommandName,
	      [],
	      [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? '--help'],
	    );
	  }

	  /**
	   * Check this.args against expected this.registeredArguments.
	   *
	   * @private
	   */

	  _checkNumberOfArguments() {
	    // too few
	    this.registeredArguments.forEach((arg, i) => {
	      if (arg.required && this.args[i] == null) {
	        this.missingArgument(arg.name());
	      }
	    });
	    // too many
	    if (
	      this.registeredArguments.length > 0 &&
	      this.registeredArguments[this.registeredArguments.length - 1].variadic
	    ) {
	      return;
	    }
	    if (this.args.length > this.registeredArguments.length) {
	      this._excessArguments(this.args);
	    }
	  }

	  /**
	   * Process this.args using this.registeredArguments and save as this.processedArgs!
	   *
	   * @private
	   */

	  _processArguments() {
	    const myParseArg = (argument, value, previous) => {
	      // Extra processing for nice error message on parsing failure.
	      let parsedValue = value;
	      if (value !== null && argument.parseArg) {
	        const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
	        parsedValue = this._callParseArg(
	          argument,
	          value,
	          previous,
	          invalidValueMessage,
	        );
	      }
	      return parsedValue;
	    };

	    this._checkNumberOfArguments();

	    const processedArgs = [];
	    this.registeredArguments.forEach((declaredArg, index) => {
	      let value = declaredArg.defaultValue;
	      if (declaredArg.variadic) {
	        // Collect together remaining arguments for passing together as an array.
	        if (index < this.args.length) {
	          value = this.args.slice(index);
	          if (declaredArg.parseArg) {
	            value = value.reduce((processed, v) => {
	              return myParseArg(declaredArg, v, processed);
	            }, declaredArg.defaultValue);
	          }
	        } else if (value === undefined) {
	          value = [];
	        }
	      } else if (index < this.args.length) {
	        value = this.args[index];
	        if (declaredArg.parseArg) {
	          value = myParseArg(declaredArg, value, declaredArg.defaultValue);
	        }
	      }
	      processedArgs[index] = value;
	    });
	    this.processedArgs = processedArgs;
	  }

	  /**
	   * Once we have a promise we chain, but call synchronously until then.
	   *
	   * @param {(Promise|undefined)} promise
	   * @param {Function} fn
	   * @return {(Promise|undefined)}
	   * @private
	   */

	  _chainOrCall(promise, fn) {
	    // thenable
	    if (promise?.then && typeof promise.then === 'function') {
	      // already have a promise, chain callback
	      return promise.then(() => fn());
	    }
	    // callback might return a promise
	    return fn();
	  }

	  /**
	   *
	   * @param {(Promise|undefined)} promise
	   * @param {string} event
	   * @return {(Promise|undefined)}
	   * @private
	   */

	  _chainOrCallHooks(promise, event) {
	    let result = promise;
	    const hooks = [];
	    this._getCommandAndAncestors()
	      .reverse()
	      .filter((cmd) => cmd._lifeCycleHooks[event] !== undefined)
	      .forEach((hookedCommand) => {
	        hookedCommand._lifeCycleHooks[event].forEach((callback) => {
	          hooks.push({ hookedCommand, callback });
	        });
	      });
	    if (event === 'postAction') {
	      hooks.reverse();
	    }

	    hooks.forEach((hookDetail) => {
	      result = this._chainOrCall(result, () => {
	        return hookDetail.callback(hookDetail.hookedCommand, this);
	      });
	    });
	    return result;
	  }

	  /**
	   *
	   * @param {(Promise|undefined)} promise
	   * @param {Command} subCommand
	   * @param {string} event
	   * @return {(Promise|undefined)}
	   * @private
	   */

	  _chainOrCallSubCommandHook(promise, subCommand, event) {
	    let result = promise;
	    if (this._lifeCycleHooks[event] !== undefined) {
	      this._lifeCycleHooks[event].forEach((hook) => {
	        result = this._chainOrCall(result, () => {
	          return hook(this, subCommand);
	        });
	      });
	    }
	    return result;
	  }

	  /**
	   * Process arguments in context of this command.
	   * Returns action result, in case it is a promise.
	   *
	   * @private
	   */

	  _parseCommand(operands, unknown) {
	    const parsed = this.parseOptions(unknown);
	    this._parseOptionsEnv(); // after cli, so parseArg not called on both cli and env
	    this._parseOptionsImplied();
	    operands = operands.concat(parsed.operands);
	    unknown = parsed.unknown;
	    this.args = operands.concat(unknown);

	    if (operands && this._findCommand(operands[0])) {
	      return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
	    }
	    if (
	      this._getHelpCommand() &&
	      operands[0] === this._getHelpCommand().name()
	    ) {
	      return this._dispatchHelpCommand(operands[1]);
	    }
	    if (this._defaultCommandName) {
	      this._outputHelpIfRequested(unknown); // Run the help for default command from parent rather than passing to default command
	      return this._dispatchSubcommand(
	        this._defaultCommandName,
	        operands,
	        unknown,
	      );
	    }
	    if (
	      this.commands.length &&
	      this.args.length === 0 &&
	      !this._actionHandler &&
	      !this._defaultCommandName
	    ) {
	      // probably missing subcommand and no handler, user needs help (and exit)
	      this.help({ error: true });
	    }

	    this._outputHelpIfRequested(parsed.unknown);
	    this._checkForMissingMandatoryOptions();
	    this._checkForConflictingOptions();

	    // We do not always call this check to avoid masking a "better" error, like unknown command.
	    const checkForUnknownOptions = () => {
	      if (parsed.unknown.length > 0) {
	        this.unknownOption(parsed.unknown[0]);
	      }
	    };

	    const commandEvent = `command:${this.name()}`;
	    if (this._actionHandler) {
	      checkForUnknownOptions();
	      this._processArguments();

	      let promiseChain;
	      promiseChain = this._chainOrCallHooks(promiseChain, 'preAction');
	      promiseChain = this._chainOrCall(promiseChain, () =>
	        this._actionHandler(this.processedArgs),
	      );
	      if (this.parent) {
	        promiseChain = this._chainOrCall(promiseChain, () => {
	          this.parent.emit(commandEvent, operands, unknown); // legacy
	        });
	      }
	      promiseChain = this._chainOrCallHooks(promiseChain, 'postAction');
	      return promiseChain;
	    }
	    if (this.parent?.listenerCount(commandEvent)) {
	      checkForUnknownOptions();
	      this._processArguments();
	      this.parent.emit(commandEvent, operands, unknown); // legacy
	    } else if (operands.length) {
	      if (this._findCommand('*')) {
	        // legacy default command
	        return this._dispatchSubcommand('*', operands, unknown);
	      }
	      if (this.listenerCount('command:*')) {
	        // skip option check, emit event for possible misspelling suggestion
	        this.emit('command:*', operands, unknown);
	      } else if (this.commands.length) {
	        this.unknownCommand();
	      } else {
	        checkForUnknownOptions();
	        this._processArguments();
	      }
	    } else if (this.commands.length) {
	      checkForUnknownOptions();
	      // This command has subcommands and nothing hooked up at this level, so display help (and exit).
	      this.help({ error: true });
	    } else {
	      checkForUnknownOptions();
	      this._processArguments();
	      // fall through for caller to handle after calling .parse()
	    }
	  }

	  /**
	   * Find matching command.
	   *
	   * @private
	   * @return {Command | undefined}
	   */
	  _findCommand(name) {
	    if (!name) return undefined;
	    return this.commands.find(
	      (cmd) => cmd._name === name || cmd._aliases.includes(name),
	    );
	  }

	  /**
	   * Return an option matching `arg` if any.
	   *
	   * @param {string} arg
	   * @return {Option}
	   * @package
	   */

	  _findOption(arg) {
	    return this.options.find((option) => option.is(arg));
	  }

	  /**
	   * Display an error message if a mandatory option does not have a value.
	   * Called after checking for help flags in leaf subcommand.
	   *
	   * @private
	   */

	  _checkForMissingMandatoryOptions() {
	    // Walk up hierarchy so can call in subcommand after checking for displaying help.
	    this._getCommandAndAncestors().forEach((cmd) => {
	      cmd.options.forEach((anOption) => {
	        if (
	          anOption.mandatory &&
	          cmd.getOptionValue(anOption.attributeName()) === undefined
	        ) {
	          cmd.missingMandatoryOptionValue(anOption);
	        }
	      });
	    });
	  }

	  /**
	   * Display an error message if conflicting options are used together in this.
	   *
	   * @private
	   */
	  _checkForConflictingLocalOptions() {
	    const definedNonDefaultOptions = this.options.filter((option) => {
	      const optionKey = option.attributeName();
	      if (this.getOptionValue(optionKey) === undefined) {
	        return false;
	      }
	      return this.getOptionValueSource(optionKey) !== 'default';
	    });

	    const optionsWithConflicting = definedNonDefaultOptions.filter(
	      (option) => option.conflictsWith.length > 0,
	    );

	    optionsWithConflicting.forEach((option) => {
	      const conflictingAndDefined = definedNonDefaultOptions.find((defined) =>
	        option.conflictsWith.includes(defined.attributeName()),
	      );
	      if (conflictingAndDefined) {
	        this._conflictingOption(option, conflictingAndDefined);
	      }
	    });
	  }

	  /**
	   * Display an error message if conflicting options are used together.
	   * Called after checking for help flags in leaf subcommand.
	   *
	   * @private
	   */
	  _checkForConflictingOptions() {
	    // Walk up hierarchy so can call in subcommand after checking for displaying help.
	    this._getCommandAndAncestors().forEach((cmd) => {
	      cmd._checkForConflictingLocalOptions();
	    });
	  }

	  /**
	   * Parse options from `argv` removing known options,
	   * and return argv split into operands and unknown arguments.
	   *
	   * Side effects: modifies command by storing options. Does not reset state if called again.
	   *
	   * Examples:
	   *
	   *     argv => operands, unknown
	   *     --known kkk op => [op], []
	   *     op --known kkk => [op], []
	   *     sub --unknown uuu op => [sub], [--unknown uuu op]
	   *     sub -- --unknown uuu op => [sub --unknown uuu op], []
	   *
	   * @param {string[]} args
	   * @return {{operands: string[], unknown: string[]}}
	   */

	  parseOptions(args) {
	    const operands = []; // operands, not options or values
	    const unknown = []; // first unknown option and remaining unknown args
	    let dest = operands;

	    function maybeOption(arg) {
	      return arg.length > 1 && arg[0] === '-';
	    }

	    const negativeNumberArg = (arg) => {
	      // return false if not a negative number
	      if (!/^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg)) return false;
	      // negative number is ok unless digit used as an option in command hierarchy
	      return !this._getCommandAndAncestors().some((cmd) =>
	        cmd.options
	          .map((opt) => opt.short)
	          .some((short) => /^-\d$/.test(short)),
	      );
	    };

	    // parse options
	    let activeVariadicOption = null;
	    let activeGroup = null; // working through group of short options, like -abc
	    let i = 0;
	    while (i < args.length || activeGroup) {
	      const arg = activeGroup ?? args[i++];
	      activeGroup = null;

	      // literal
	      if (arg === '--') {
	        if (dest === unknown) dest.push(arg);
	        dest.push(...args.slice(i));
	        break;
	      }

	      if (
	        activeVariadicOption &&
	        (!maybeOption(arg) || negativeNumberArg(arg))
	      ) {
	        this.emit(`option:${activeVariadicOption.name()}`, arg);
	        continue;
	      }
	      activeVariadicOption = null;

	      if (maybeOption(arg)) {
	        const option = this._findOption(arg);
	        // recognised option, call listener to assign value with possible custom processing
	        if (option) {
	          if (option.required) {
	            const value = args[i++];
	            if (value === undefined) this.optionMissingArgument(option);
	            this.emit(`option:${option.name()}`, value);
	          } else if (option.optional) {
	            let value = null;
	            // historical behaviour is optional value is following arg unless an option
	            if (
	              i < args.length &&
	              (!maybeOption(args[i]) || negativeNumberArg(args[i]))
	            ) {
	              value = args[i++];
	            }
	            this.emit(`option:${option.name()}`, value);
	          } else {
	            // boolean flag
	            this.emit(`option:${option.name()}`);
	          }
	          activeVariadicOption = option.variadic ? option : null;
	          continue;
	        }
	      }

	      // Look for combo options following single dash, eat first one if known.
	      if (arg.length > 2 && arg[0] === '-' && arg[1] !== '-') {
	        const option = this._findOption(`-${arg[1]}`);
	        if (option) {
	          if (
	            option.required ||
	            (option.optional && this._combineFlagAndOptionalValue)
	          ) {
	            // option with value following in same argument
	            this.emit(`option:${option.name()}`, arg.slice(2));
	          } else {
	            // boolean option
	            this.emit(`option:${option.name()}`);
	            // remove the processed option and keep processing group
	            activeGroup = `-${arg.slice(2)}`;
	          }
	          continue;
	        }
	      }

	      // Look for known long flag with value, like --foo=bar
	      if (/^--[^=]+=/.test(arg)) {
	        const index = arg.indexOf('=');
	        const option = this._findOption(arg.slice(0, index));
	        if (option && (option.required || option.optional)) {
	          this.emit(`option:${option.name()}`, arg.slice(index + 1));
	          continue;
	        }
	      }

	      // Not a recognised option by this command.
	      // Might be a command-argument, or subcommand option, or unknown option, or help command or option.

	      // An unknown option means further arguments also classified as unknown so can be reprocessed by subcommands.
	      // A negative number in a leaf command is not an unknown option.
	      if (
	        dest === operands &&
	        maybeOption(arg) &&
	        !(this.commands.length === 0 && negativeNumberArg(arg))
	      ) {
	        dest = unknown;
	      }

	      // If using positionalOptions, stop processing our options at subcommand.
	      if (
	        (this._enablePositionalOptions || this._passThroughOptions) &&
	        operands.length === 0 &&
	        unknown.length === 0
	      ) {
	        if (this._findCommand(arg)) {
	          operands.push(arg);
	          unknown.push(...args.slice(i));
	          break;
	        } else if (
	          this._getHelpCommand() &&
	          arg === this._getHelpCommand().name()
	        ) {
	          operands.push(arg, ...args.slice(i));
	          break;
	        } else if (this._defaultCommandName) {
	          unknown.push(arg, ...args.slice(i));
	          break;
	        }
	      }

	      // If using passThroughOptions, stop processing options at first command-argument.
	      if (this._passThroughOptions) {
	        dest.push(arg, ...args.slice(i));
	        break;
	      }

	      // add arg
	      dest.push(arg);
	    }

	    return { operands, unknown };
	  }

	  /**
	   * Return an object containing local option values as key-value pairs.
	   *
	   * @return {object}
	   */
	  opts() {
	    if (this._storeOptionsAsProperties) {
	      // Preserve original behaviour so backwards compatible when still using properties
	      const result = {};
	      const len = this.options.length;

	      for (let i = 0; i < len; i++) {
	        const key = this.options[i].attributeName();
	        result[key] =
	          key === this._versionOptionName ? this._version : this[key];
	      }
	      return result;
	    }

	    return this._optionValues;
	  }

	  /**
	   * Return an object containing merged local and global option values as key-value pairs.
	   *
	   * @return {object}
	   */
	  optsWithGlobals() {
	    // globals overwrite locals
	    return this._getCommandAndAncestors().reduce(
	      (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
	      {},
	    );
	  }

	  /**
	   * Display error message and exit (or call exitOverride).
	   *
	   * @param {string} message
	   * @param {object} [errorOptions]
	   * @param {string} [errorOptions.code] - an id string representing the error
	   * @param {number} [errorOptions.exitCode] - used with process.exit
	   */
	  error(message, errorOptions) {
	    // output handling
	    this._outputConfiguration.outputError(
	      `${message}\n`,
	      this._outputConfiguration.writeErr,
	    );
	    if (typeof this._showHelpAfterError === 'string') {
	      this._outputConfiguration.writeErr(`${this._showHelpAfterError}\n`);
	    } else if (this._showHelpAfterError) {
	      this._outputConfiguration.writeErr('\n');
	      this.outputHelp({ error: true });
	    }

	    // exit handling
	    const config = errorOptions || {};
	    const exitCode = config.exitCode || 1;
	    const code = config.code || 'commander.error';
	    this._exit(exitCode, code, message);
	  }

	  /**
	   * Apply any option related environment variables, if option does
	   * not have a value from cli or client code.
	   *
	   * @private
	   */
	  _parseOptionsEnv() {
	    this.options.forEach((option) => {
	      if (option.envVar && option.envVar in process.env) {
	        const optionKey = option.attributeName();
	        // Priority check. Do not overwrite cli or options from unknown source (client-code).
	        if (
	          this.getOptionValue(optionKey) === undefined ||
	          ['default', 'config', 'env'].includes(
	            this.getOptionValueSource(optionKey),
	          )
	        ) {
	          if (option.required || option.optional) {
	            // option can take a value
	            // keep very simple, optional always takes value
	            this.emit(`optionEnv:${option.name()}`, process.env[option.envVar]);
	          } else {
	            // boolean
	            // keep very simple, only care that envVar defined and not the value
	            this.emit(`optionEnv:${option.name()}`);
	          }
	        }
	      }
	    });
	  }

	  /**
	   * Apply any implied option values, if option is undefined or default value.
	   *
	   * @private
	   */
	  _parseOptionsImplied() {
	    const dualHelper = new DualOptions(this.options);
	    const hasCustomOptionValue = (optionKey) => {
	      return (
	        this.getOptionValue(optionKey) !== undefined &&
	        !['default', 'implied'].includes(this.getOptionValueSource(optionKey))
	      );
	    };
	    this.options
	      .filter(
	        (option) =>
	          option.implied !== undefined &&
	          hasCustomOptionValue(option.attributeName()) &&
	          dualHelper.valueFromOption(
	            this.getOptionValue(option.attributeName()),
	            option,
	          ),
	      )
	      .forEach((option) => {
	        Object.keys(option.implied)
	          .filter((impliedKey) => !hasCustomOptionValue(impliedKey))
	          .forEach((impliedKey) => {
	            this.setOptionValueWithSource(
	              impliedKey,
	              option.implied[impliedKey],
	              'implied',
	            );
	          });
	      });
	  }

	  /**
	   * Argument `name` is missing.
	   *
	   * @param {string} name
	   * @private
	   */

	  missingArgument(name) {
	    const message = `error: missing required argument '${name}'`;
	    this.error(message, { code: 'commander.missingArgument' });
	  }

	  /**
	   * `Option` is missing an argument.
	   *
	   * @param {Option} option
	   * @private
	   */

	  optionMissingArgument(option) {
	    const message = `error: option '${option.flags}' argument missing`;
	    this.error(message, { code: 'commander.optionMissingArgument' });
	  }

	  /**
	   * `Option` does not have a value, and is a mandatory option.
	   *
	   * @param {Option} option
	   * @private
	   */

	  missingMandatoryOptionValue(option) {
	    const message = `error: required option '${option.flags}' not specified`;
	    this.error(message, { code: 'commander.missingMandatoryOptionValue' });
	  }

	  /**
	   * `Option` conflicts with another option.
	   *
	   * @param {Option} option
	   * @param {Option} conflictingOption
	   * @private
	   */
	  _conflictingOption(option, conflictingOption) {
	    // The calling code does not know whether a negated option is the source of the
	    // value, so do some work to take an educated guess.
	    const findBestOptionFromValue = (option) => {
	      const optionKey = option.attributeName();
	      const optionValue = this.getOptionValue(optionKey);
	      const negativeOption = this.options.find(
	        (target) => target.negate && optionKey === target.attributeName(),
	      );
	      const positiveOption = this.options.find(
	        (target) => !target.negate && optionKey === target.attributeName(),
	      );
	      if (
	        negativeOption &&
	        ((negativeOption.presetArg === undefined && optionValue === false) ||
	          (negativeOption.presetArg !== undefined &&
	            optionValue === negativeOption.presetArg))
	      ) {
	        return negativeOption;
	      }
	      return positiveOption || option;
	    };

	    const getErrorMessage = (option) => {
	      const bestOption = findBestOptionFromValue(option);
	      const optionKey = bestOption.attributeName();
	      const source = this.getOptionValueSource(optionKey);
	      if (source === 'env') {
	        return `environment variable '${bestOption.envVar}'`;
	      }
	      return `option '${bestOption.flags}'`;
	    };

	    const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
	    this.error(message, { code: 'commander.conflictingOption' });
	  }

	  /**
	   * Unknown option `flag`.
	   *
	   * @param {string} flag
	   * @private
	   */

	  unknownOption(flag) {
	    if (this._allowUnknownOption) return;
	    let suggestion = '';

	    if (flag.startsWith('--') && this._showSuggestionAfterError) {
	      // Looping to pick up the global options too
	      let candidateFlags = [];
	      // eslint-disable-next-line @typescript-eslint/no-this-alias
	      let command = this;
	      do {
	        const moreFlags = command
	          .createHelp()
	          .visibleOptions(command)
	          .filter((option) => option.long)
	          .map((option) => option.long);
	        candidateFlags = candidateFlags.concat(moreFlags);
	        command = command.parent;
	      } while (command && !command._enablePositionalOptions);
	      suggestion = suggestSimilar(flag, candidateFlags);
	    }

	    const message = `error: unknown option '${flag}'${suggestion}`;
	    this.error(message, { code: 'commander.unknownOption' });
	  }

	  /**
	   * Excess arguments, more than expected.
	   *
	   * @param {string[]} receivedArgs
	   * @private
	   */

	  _excessArguments(receivedArgs) {
	    if (this._allowExcessArguments) return;

	    const expected = this.registeredArguments.length;
	    const s = expected === 1 ? '' : 's';
	    const forSubcommand = this.parent ? ` for '${this.name()}'` : '';
	    const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${receivedArgs.length}.`;
	    this.error(message, { code: 'commander.excessArguments' });
	  }

	  /**
	   * Unknown command.
	   *
	   * @private
	   */

	  unknownCommand() {
	    const unknownName = this.args[0];
	    let suggestion = '';

	    if (this._showSuggestionAfterError) {
	      const candidateNames = [];
	      this.createHelp()
	        .visibleCommands(this)
	        .forEach((command) => {
	          candidateNames.push(command.name());
	          // just visible alias
	          if (command.alias()) candidateNames.push(command.alias());
	        });
	      suggestion = suggestSimilar(unknownName, candidateNames);
	    }

	    const message = `error: unknown command '${unknownName}'${suggestion}`;
	    this.error(message, { code: 'commander.unknownCommand' });
	  }

	  /**
	   * Get or set the program version.
	   *
	   * This method auto-registers the "-V, --version" option which will print the version number.
	   *
	   * You can optionally supply the flags and description to override the defaults.
	   *
	   * @param {string} [str]
	   * @param {string} [flags]
	   * @param {string} [description]
	   * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
	   */

	  version(str, flags, description) {
	    if (str === undefined) return this._version;
	    this._version = str;
	    flags = flags || '-V, --version';
	    description = description || 'output the version number';
	    const versionOption = this.createOption(flags, description);
	    this._versionOptionName = versionOption.attributeName();
	    this._registerOption(versionOption);

	    this.on('option:' + versionOption.name(), () => {
	      this._outputConfiguration.writeOut(`${str}\n`);
	      this._exit(0, 'commander.version', str);
	    });
	    return this;
	  }

	  /**
	   * Set the description.
	   *
	   * @param {string} [str]
	   * @param {object} [argsDescription]
	   * @return {(string|Command)}
	   */
	  description(str, argsDescription) {
	    if (str === undefined && argsDescription === undefined)
	      return this._description;
	    this._description = str;
	    if (argsDescription) {
	      this._argsDescription = argsDescription;
	    }
	    return this;
	  }

	  /**
	   * Set the summary. Used when listed as subcommand of parent.
	   *
	   * @param {string} [str]
	   * @return {(string|Command)}
	   */
	  summary(str) {
	    if (str === undefined) return this._summary;
	    this._summary = str;
	    return this;
	  }

	  /**
	   * Set an alias for the command.
	   *
	   * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
	   *
	   * @param {string} [alias]
	   * @return {(string|Command)}
	   */

	  alias(alias) {
	    if (alias === undefined) return this._aliases[0]; // just return first, for backwards compatibility

	    /** @type {Command} */
	    // eslint-disable-next-line @typescript-eslint/no-this-alias
	    let command = this;
	    if (
	      this.commands.length !== 0 &&
	      this.commands[this.commands.length - 1]._executableHandler
	    ) {
	      // assume adding alias for last added executable subcommand, rather than this
	      command = this.commands[this.commands.length - 1];
	    }

	    if (alias === command._name)
	      throw new Error("Command alias can't be the same as its name");
	    const matchingCommand = this.parent?._findCommand(alias);
	    if (matchingCommand) {
	      // c.f. _registerCommand
	      const existingCmd = [matchingCommand.name()]
	        .concat(matchingCommand.aliases())
	        .join('|');
	      throw new Error(
	        `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`,
	      );
	    }

	    command._aliases.push(alias);
	    return this;
	  }

	  /**
	   * Set aliases for the command.
	   *
	   * Only the first alias is shown in the auto-generated help.
	   *
	   * @param {string[]} [aliases]
	   * @return {(string[]|Command)}
	   */

	  aliases(aliases) {
	    // Getter for the array of aliases is the main reason for having aliases() in addition to alias().
	    if (aliases === undefined) return this._aliases;

	    aliases.forEach((alias) => this.alias(alias));
	    return this;
	  }

	  /**
	   * Set / get the command usage `str`.
	   *
	   * @param {string} [str]
	   * @return {(string|Command)}
	   */

	  usage(str) {
	    if (str === undefined) {
	      if (this._usage) return this._usage;

	      const args = this.registeredArguments.map((arg) => {
	        return humanReadableArgName(arg);
	      });
	      return []
	        .concat(
	          this.options.length || this._helpOption !== null ? '[options]' : [],
	          this.commands.length ? '[command]' : [],
	          this.registeredArguments.length ? args : [],
	        )
	        .join(' ');
	    }

	    this._usage = str;
	    return this;
	  }

	  /**
	   * Get or set the name of the command.
	   *
	   * @param {string} [str]
	   * @return {(string|Command)}
	   */

	  name(str) {
	    if (str === undefined) return this._name;
	    this._name = str;
	    return this;
	  }

	  /**
	   * Set/get the help group heading for this subcommand in parent command's help.
	   *
	   * @param {string} [heading]
	   * @return {Command | string}
	   */

	  helpGroup(heading) {
	    if (heading === undefined) return this._helpGroupHeading ?? '';
	    this._helpGroupHeading = heading;
	    return this;
	  }

	  /**
	   * Set/get the default help group heading for subcommands added to this command.
	   * (This does not override a group set directly on the subcommand using .helpGroup().)
	   *
	   * @example
	   * program.commandsGroup('Development Commands:);
	   * program.command('watch')...
	   * program.command('lint')...
	   * ...
	   *
	   * @param {string} [heading]
	   * @returns {Command | string}
	   */
	  commandsGroup(heading) {
	    if (heading === undefined) return this._defaultCommandGroup ?? '';
	    this._defaultCommandGroup = heading;
	    return this;
	  }

	  /**
	   * Set/get the default help group heading for options added to this command.
	   * (This does not override a group set directly on the option using .helpGroup().)
	   *
	   * @example
	   * program
	   *   .optionsGroup('Development Options:')
	   *   .option('-d, --debug', 'output extra debugging')
	   *   .option('-p, --profile', 'output profiling information')
	   *
	   * @param {string} [heading]
	   * @returns {Command | string}
	   */
	  optionsGroup(heading) {
	    if (heading === undefined) return this._defaultOptionGroup ?? '';
	    this._defaultOptionGroup = heading;
	    return this;
	  }

	  /**
	   * @param {Option} option
	   * @private
	   */
	  _initOptionGroup(option) {
	    if (this._defaultOptionGroup && !option.helpGroupHeading)
	      option.helpGroup(this._defaultOptionGroup);
	  }

	  /**
	   * @param {Command} cmd
	   * @private
	   */
	  _initCommandGroup(cmd) {
	    if (this._defaultCommandGroup && !cmd.helpGroup())
	      cmd.helpGroup(this._defaultCommandGroup);
	  }

	  /**
	   * Set the name of the command from script filename, such as process.argv[1],
	   * or require.main.filename, or __filename.
	   *
	   * (Used internally and public although not documented in README.)
	   *
	   * @example
	   * program.nameFromFilename(require.main.filename);
	   *
	   * @param {string} filename
	   * @return {Command}
	   */

	  nameFromFilename(filename) {
	    this._name = path.basename(filename, path.extname(filename));

	    return this;
	  }

	  /**
	   * Get or set the directory for searching for executable subcommands of this command.
	   *
	   * @example
	   * program.executableDir(__dirname);
	   * // or
	   * program.executableDir('subcommands');
	   *
	   * @param {string} [path]
	   * @return {(string|null|Command)}
	   */

	  executableDir(path) {
	    if (path === undefined) return this._executableDir;
	    this._executableDir = path;
	    return this;
	  }

	  /**
	   * Return program help documentation.
	   *
	   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
	   * @return {string}
	   */

	  helpInformation(contextOptions) {
	    const helper = this.createHelp();
	    const context = this._getOutputContext(contextOptions);
	    helper.prepareContext({
	      error: context.error,
	      helpWidth: context.helpWidth,
	      outputHasColors: context.hasColors,
	    });
	    const text = helper.formatHelp(this, helper);
	    if (context.hasColors) return text;
	    return this._outputConfiguration.stripColor(text);
	  }

	  /**
	   * @typedef HelpContext
	   * @type {object}
	   * @property {boolean} error
	   * @property {number} helpWidth
	   * @property {boolean} hasColors
	   * @property {function} write - includes stripColor if needed
	   *
	   * @returns {HelpContext}
	   * @private
	   */

	  _getOutputContext(contextOptions) {
	    contextOptions = contextOptions || {};
	    const error = !!contextOptions.error;
	    let baseWrite;
	    let hasColors;
	    let helpWidth;
	    if (error) {
	      baseWrite = (str) => this._outputConfiguration.writeErr(str);
	      hasColors = this._outputConfiguration.getErrHasColors();
	      helpWidth = this._outputConfiguration.getErrHelpWidth();
	    } else {
	      baseWrite = (str) => this._outputConfiguration.writeOut(str);
	      hasColors = this._outputConfiguration.getOutHasColors();
	      helpWidth = this._outputConfiguration.getOutHelpWidth();
	    }
	    const write = (str) => {
	      if (!hasColors) str = this._outputConfiguration.stripColor(str);
	      return baseWrite(str);
	    };
	    return { error, write, hasColors, helpWidth };
	  }

	  /**
	   * Output help information for this command.
	   *
	   * Outputs built-in help, and custom text added using `.addHelpText()`.
	   *
	   * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
	   */

	  outputHelp(contextOptions) {
	    let deprecatedCallback;
	    if (typeof contextOptions === 'function') {
	      deprecatedCallback = contextOptions;
	      contextOptions = undefined;
	    }

	    const outputContext = this._getOutputContext(contextOptions);
	    /** @type {HelpTextEventContext} */
	    const eventContext = {
	      error: outputContext.error,
	      write: outputContext.write,
	      command: this,
	    };

	    this._getCommandAndAncestors()
	      .reverse()
	      .forEach((command) => command.emit('beforeAllHelp', eventContext));
	    this.emit('beforeHelp', eventContext);

	    let helpInformation = this.helpInformation({ error: outputContext.error });
	    if (deprecatedCallback) {
	      helpInformation = deprecatedCallback(helpInformation);
	      if (
	        typeof helpInformation !== 'string' &&
	        !Buffer.isBuffer(helpInformation)
	      ) {
	        throw new Error('outputHelp callback must return a string or a Buffer');
	      }
	    }
	    outputContext.write(helpInformation);

	    if (this._getHelpOption()?.long) {
	      this.emit(this._getHelpOption().long); // deprecated
	    }
	    this.emit('afterHelp', eventContext);
	    this._getCommandAndAncestors().forEach((command) =>
	      command.emit('afterAllHelp', eventContext),
	    );
	  }

	  /**
	   * You can pass in flags and a description to customise the built-in help option.
	   * Pass in false to disable the built-in help option.
	   *
	   * @example
	   * program.helpOption('-?, --help' 'show help'); // customise
	   * program.helpOption(false); // disable
	   *
	   * @param {(string | boolean)} flags
	   * @param {string} [description]
	   * @return {Command} `this` command for chaining
	   */

	  helpOption(flags, description) {
	    // Support enabling/disabling built-in help option.
	    if (typeof flags === 'boolean') {
	      if (flags) {
	        if (this._helpOption === null) this._helpOption = undefined; // reenable
	        if (this._defaultOptionGroup) {
	          // make the option to store the group
	          this._initOptionGroup(this._getHelpOption());
	        }
	      } else {
	        this._helpOption = null; // disable
	      }
	      return this;
	    }

	    // Customise flags and description.
	    this._helpOption = this.createOption(
	      flags ?? '-h, --help',
	      description ?? 'display help for command',
	    );
	    // init group unless lazy create
	    if (flags || description) this._initOptionGroup(this._helpOption);

	    return this;
	  }

	  /**
	   * Lazy create help option.
	   * Returns null if has been disabled with .helpOption(false).
	   *
	   * @returns {(Option | null)} the help option
	   * @package
	   */
	  _getHelpOption() {
	    // Lazy create help option on demand.
	    if (this._helpOption === undefined) {
	      this.helpOption(undefined, undefined);
	    }
	    return this._helpOption;
	  }

	  /**
	   * Supply your own option to use for the built-in help option.
	   * This is an alternative to using helpOption() to customise the flags and description etc.
	   *
	   * @param {Option} option
	   * @return {Command} `this` command for chaining
	   */
	  addHelpOption(option) {
	    this._helpOption = option;
	    this._initOptionGroup(option);
	    return this;
	  }

	  /**
	   * Output help information and exit.
	   *
	   * Outputs built-in help, and custom text added using `.addHelpText()`.
	   *
	   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
	   */

	  help(contextOptions) {
	    this.outputHelp(contextOptions);
	    let exitCode = Number(process.exitCode ?? 0); // process.exitCode does allow a string or an integer, but we prefer just a number
	    if (
	      exitCode === 0 &&
	      contextOptions &&
	      typeof contextOptions !== 'function' &&
	      contextOptions.error
	    ) {
	      exitCode = 1;
	    }
	    // message: do not have all displayed text available so only passing placeholder.
	    this._exit(exitCode, 'commander.help', '(outputHelp)');
	  }

	  /**
	   * // Do a little typing to coordinate emit and listener for the help text events.
	   * @typedef HelpTextEventContext
	   * @type {object}
	   * @property {boolean} error
	   * @property {Command} command
	   * @property {function} write
	   */

	  /**
	   * Add additional text to be displayed with the built-in help.
	   *
	   * Position is 'before' or 'after' to affect just this command,
	   * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
	   *
	   * @param {string} position - before or after built-in help
	   * @param {(string | Function)} text - string to add, or a function returning a string
	   * @return {Command} `this` command for chaining
	   */

	  addHelpText(position, text) {
	    const allowedValues = ['beforeAll', 'before', 'after', 'afterAll'];
	    if (!allowedValues.includes(position)) {
	      throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
	    }

	    const helpEvent = `${position}Help`;
	    this.on(helpEvent, (/** @type {HelpTextEventContext} */ context) => {
	      let helpStr;
	      if (typeof text === 'function') {
	        helpStr = text({ error: context.error, command: context.command });
	      } else {
	        helpStr = text;
	      }
	      // Ignore falsy value when nothing to output.
	      if (helpStr) {
	        context.write(`${helpStr}\n`);
	      }
	    });
	    return this;
	  }

	  /**
	   * Output help information if help flags specified
	   *
	   * @param {Array} args - array of options to search for help flags
	   * @private
	   */

	  _outputHelpIfRequested(args) {
	    const helpOption = this._getHelpOption();
	    const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
	    if (helpRequested) {
	      this.outputHelp();
	      // (Do not have all displayed text available so only passing placeholder.)
	      this._exit(0, 'commander.helpDisplayed', '(outputHelp)');
	    }
	  }
	}

	/**
	 * Scan arguments and increment port number for inspect calls (to avoid conflicts when spawning new command).
	 *
	 * @param {string[]} args - array of arguments from node.execArgv
	 * @returns {string[]}
	 * @private
	 */

	function incrementNodeInspectorPort(args) {
	  // Testing for these options:
	  //  --inspect[=[host:]port]
	  //  --inspect-brk[=[host:]port]
	  //  --inspect-port=[host:]port
	  return args.map((arg) => {
	    if (!arg.startsWith('--inspect')) {
	      return arg;
	    }
	    let debugOption;
	    let debugHost = '127.0.0.1';
	    let debugPort = '9229';
	    let match;
	    if ((match = arg.match(/^(--inspect(-brk)?)$/)) !== null) {
	      // e.g. --inspect
	      debugOption = match[1];
	    } else if (
	      (match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+)$/)) !== null
	    ) {
	      debugOption = match[1];
	      if (/^\d+$/.test(match[3])) {
	        // e.g. --inspect=1234
	        debugPort = match[3];
	      } else {
	        // e.g. --inspect=localhost
	        debugHost = match[3];
	      }
	    } else if (
	      (match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+):(\d+)$/)) !== null
	    ) {
	      // e.g. --inspect=localhost:1234
	      debugOption = match[1];
	      debugHost = match[3];
	      debugPort = match[4];
	    }

	    if (debugOption && debugPort !== '0') {
	      return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
	    }
	    return arg;
	  });
	}

	/**
	 * @returns {boolean | undefined}
	 * @package
	 */
	function useColor() {
	  // Test for common conventions.
	  // NB: the observed behaviour is in combination with how author adds color! For example:
	  //   - we do not test NODE_DISABLE_COLORS, but util:styletext does
	  //   - we do test NO_COLOR, but Chalk does not
	  //
	  // References:
	  // https://no-color.org
	  // https://bixense.com/clicolors/
	  // https://github.com/nodejs/node/blob/0a00217a5f67ef4a22384cfc80eb6dd9a917fdc1/lib/internal/tty.js#L109
	  // https://github.com/chalk/supports-color/blob/c214314a14bcb174b12b3014b2b0a8de375029ae/index.js#L33
	  // (https://force-color.org recent web page from 2023, does not match major javascript implementations)

	  if (
	    process.env.NO_COLOR ||
	    process.env.FORCE_COLOR === '0' ||
	    process.env.FORCE_COLOR === 'false'
	  )
	    return false;
	  if (process.env.FORCE_COLOR || process.env.CLICOLOR_FORCE !== undefined)
	    return true;
	  return undefined;
	}

	command.Command = Command;
	command.useColor = useColor; // exporting for tests
	return command;
}

var hasRequiredCommander;

function requireCommander () {
	if (hasRequiredCommander) return commander$1;
	hasRequiredCommander = 1;
	const { Argument } = requireArgument();
	const { Command } = requireCommand();
	const { CommanderError, InvalidArgumentError } = requireError();
	const { Help } = requireHelp();
	const { Option } = requireOption();

	commander$1.program = new Command();

	commander$1.createCommand = (name) => new Command(name);
	commander$1.createOption = (flags, description) => new Option(flags, description);
	commander$1.createArgument = (name, description) => new Argument(name, description);

	/**
	 * Expose classes
	 */

	commander$1.Command = Command;
	commander$1.Option = Option;
	commander$1.Argument = Argument;
	commander$1.Help = Help;

	commander$1.CommanderError = CommanderError;
	commander$1.InvalidArgumentError = InvalidArgumentError;
	commander$1.InvalidOptionArgumentError = InvalidArgumentError; // Deprecated
	return commander$1;
}

var commanderExports = requireCommander();
var commander = /*@__PURE__*/getDefaultExportFromCjs(commanderExports);

// wrapper to provide named exports for ESM.
const {
  program,
  createCommand,
  createArgument,
  createOption,
  CommanderError,
  InvalidArgumentError,
  InvalidOptionArgumentError, // deprecated old name
  Command,
  Argument,
  Option,
  Help,
} = commander;

/** The one list of series: every table, chart, trend and judgement walks it. */
const SERIES$1 = {
    heap: {
        label: 'live heap',
        title: 'Live heap',
        unit: 'bytes',
        value: (s) => s.liveHeapBytes,
        limitInput: 'max-heap-growth'
    },
    goroutines: {
        label: 'goroutines',
        title: 'Goroutines',
        unit: 'count',
        value: (s) => s.goroutines,
        limitInput: 'max-goroutine-growth'
    },
    rss: { label: 'RSS', title: 'RSS', unit: 'bytes', value: (s) => s.rssBytes }
};
const SERIES_NAMES = Object.keys(SERIES$1);
const JUDGED_SERIES = ['heap', 'goroutines'];
const SCHEMA_VERSION = 2;

// The standard normal quantile, for the z of each look and of the power of a test.
// Acklam's rational approximations (relative error below 1.2e-9 over (0, 1)).
const CENTRAL_NUM = [
    -39.69683028665376, 2.209460984245205e2, -275.9285104469687, 1.38357751867269e2, -30.66479806614716,
    2.506628277459239
];
const CENTRAL_DEN = [
    -54.47609879822406, 1.615858368580409e2, -155.6989798598866, 6.680131188771972e1, -13.28068155288572
];
const TAIL_NUM = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783
];
const TAIL_DEN = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const TAIL_START = 0.02425;
/** Horner's rule; `leadingOne` appends the implicit trailing coefficient 1 of the denominators. */
function polynomial(coefficients, x, leadingOne = false) {
    const value = coefficients.reduce((acc, c) => acc * x + c, 0);
    return leadingOne ? value * x + 1 : value;
}
/** z such that P(Z ≤ z) = p for a standard normal Z. */
function normalQuantile(p) {
    if (!(p > 0 && p < 1))
        throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
    if (p < TAIL_START) {
        const q = Math.sqrt(-2 * Math.log(p));
        return polynomial(TAIL_NUM, q) / polynomial(TAIL_DEN, q, true);
    }
    if (p > 1 - TAIL_START)
        return -normalQuantile(1 - p);
    const q = p - 0.5;
    const r = q * q;
    return (q * polynomial(CENTRAL_NUM, r)) / polynomial(CENTRAL_DEN, r, true);
}
/** Φ(z) by bisection on the quantile: exact enough for a confidence printed to a tenth of a percent. */
function normalCdf(z) {
    let [lo, hi] = [1e-12, 1 - 1e-12];
    for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (normalQuantile(mid) < z)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}
/** The two-sided confidence of bounds read at ±z: 1 − 2·Φ(−z). */
function twoSidedConfidence(z) {
    return 1 - 2 * (1 - normalCdf(z));
}

// The sequential design: sampling goes on past `duration` while the answer is unclear,
// with a look at duration, 2×, 3×… up to max-duration. Each look may pass or fail, so
// each spends part of the error budget: Bonferroni splits α = 0.025 per side evenly
// (over four looks z = 2.50 for both; 2.39 is α/3, the split when the first look may
// not fail, which would keep clear leaks from stopping at the first look).
/** One-sided risk per side over the whole run: failing a service within its limit, passing one above it. */
const ALPHA_PER_SIDE = 0.025;
/** Seconds of sampling at each look: duration, 2×, 3×… and max-duration itself when it is not a multiple. */
function lookTimesSec(durationSec, maxDurationSec) {
    if (!(durationSec > 0))
        throw new RangeError(`duration must be above 0 s, got ${durationSec}`);
    const looks = [];
    for (let k = 1; k * durationSec <= maxDurationSec; k++)
        looks.push(k * durationSec);
    if (looks.length === 0 || looks[looks.length - 1] < maxDurationSec)
        looks.push(Math.max(maxDurationSec, durationSec));
    return looks;
}
/** The z each look's intervals are read at when `lookCount` looks share the budget. */
function lookZ(lookCount, alphaPerSide = ALPHA_PER_SIDE) {
    return normalQuantile(1 - alphaPerSide / lookCount);
}
/**
 * One look. Passing on the last half too lets a fill that has levelled off pass; it adds
 * at most α to the risk of passing a leak, as both bounds sit at the look's z. Accelerating
 * growth is never excused; saturating growth is, unless the growth that stays after the
 * fill is above the limit with confidence (a leak under a filling cache).
 */
function decideLook(e) {
    const { limitPerSec: limit } = e;
    const { ciLow, ciHigh, lateSlopePerSec, lateCiHigh, shape, remainingLowPerSec, remainingHighPerSec } = e.trend;
    if (ciHigh < limit)
        return { outcome: 'pass', rule: 'upper-below-limit' };
    if (lateCiHigh !== null && lateCiHigh < limit)
        return { outcome: 'pass', rule: 'late-upper-below-limit' };
    if (shape === 'saturating' && remainingHighPerSec !== null && remainingHighPerSec < limit)
        return { outcome: 'pass', rule: 'levels-off-below-limit' };
    const above = ciLow > limit;
    const excused = shape === 'saturating' && !(remainingLowPerSec !== null && remainingLowPerSec > limit);
    if (above && lateSlopePerSec > limit && !excused) {
        return { outcome: 'fail', rule: 'above-limit' };
    }
    const outcome = e.lastLook ? 'inconclusive' : 'continue';
    if (above)
        return { outcome, rule: shape === 'saturating' ? 'saturating' : 'late-slope-below-limit' };
    return { outcome, rule: ciHigh - ciLow > 2 * limit ? 'too-noisy' : 'straddles' };
}

/**
 * A failure the user can act on (build failure, crash, bad input): shown as one
 * line, never a stack trace, exit code 2. `detail` holds what the user needs to see
 * beneath it, such as compiler output or the service's last lines.
 */
class GateError extends Error {
    detail;
    constructor(message, detail) {
        super(message);
        this.detail = detail;
    }
}
/**
 * The output folder, or a file in it, cannot be written: the user's to fix, not the
 * service's or pprof's. Each front end names the folder in its own words (`--out` in the CLI).
 */
class OutputError extends GateError {
    path;
    problem;
    constructor(path, problem) {
        super(`output folder: ${path} ${problem}`);
        this.path = path;
        this.problem = problem;
    }
}

/**
 * The package path of a Go symbol: "net/http.(*conn).serve" → "net/http".
 * Type arguments of generic instantiations are dropped first: they hold other paths.
 */
function packageOf(fn) {
    const name = fn.replace(/\[.*$/, '');
    const slash = name.lastIndexOf('/');
    const dot = name.indexOf('.', slash + 1);
    return dot < 0 ? name : name.slice(0, dot);
}
/** The standard library: no dot in the first path element ("net/http", "internal/poll", "vendor/…"). */
function isStdlib(fn) {
    const pkg = packageOf(fn);
    return pkg !== 'main' && !pkg.split('/')[0].includes('.');
}
/**
 * The runtime and its internals: frames no user can act on. "sync.runtime_notifyListWait"
 * and the like are runtime code linked into other packages.
 */
function isRuntime(fn) {
    const pkg = packageOf(fn);
    return (pkg === 'runtime' ||
        pkg.startsWith('runtime/') ||
        pkg.startsWith('internal/') ||
        fn.startsWith(`${pkg}.runtime_`));
}
/**
 * Own code is package main and the packages of the service's modules (every module of a
 * go.work workspace); without module paths, anything outside the standard library
 * (dependencies included).
 */
function ownCode(modulePaths) {
    if (modulePaths.length === 0)
        return (f) => !isStdlib(f.function);
    return (f) => {
        const pkg = packageOf(f.function);
        return pkg === 'main' || modulePaths.some((m) => pkg === m || pkg.startsWith(`${m}/`));
    };
}
/**
 * Where a stack is charged: the innermost own-code frame, else the innermost frame
 * outside the runtime, else the root (runtime-only stacks group by where they began).
 * -1 for an empty stack.
 */
function siteIndex(stack, isOwn) {
    const own = stack.findIndex(isOwn);
    if (own >= 0)
        return own;
    const outside = stack.findIndex((f) => !isRuntime(f.function));
    return outside >= 0 ? outside : stack.length - 1;
}
function frameString(f) {
    return `${f.function} ${f.file}:${f.line}`;
}
/**
 * A short call path, innermost first: the calls below the site (how it allocated or
 * blocked, runtime internals left out), the site, and up to two of its callers.
 */
function callPath(stack, site) {
    const below = stack.slice(0, site).filter((f) => !isRuntime(f.function));
    return [...below.slice(-3), ...stack.slice(site, site + 3)].map(frameString);
}

// The decoded form of a pprof profile: plain data, strings resolved, numbers normalised.
/** The index of a sample type by name, or -1. */
function sampleTypeIndex(p, type) {
    return p.sampleTypes.findIndex((t) => t.type === type);
}

// Reduces a heap profile to the live heap per whole stack, and groups stacks (of a
// summary or of a diff) by the line they are charged to.
/**
 * The probability that the runtime samples an object of sizeBytes: its sampler is a
 * Poisson process over allocated bytes with mean gap rateBytes.
 */
function sampleProbability(sizeBytes, rateBytes) {
    return rateBytes <= 1 ? 1 : 1 - Math.exp(-sizeBytes / rateBytes);
}
/**
 * The variance of the live bytes of profile samples of sizeBytes objects, if the site
 * does not leak. Under steady load its live objects are an M/G/∞ queue, so their number
 * is Poisson; the runtime's sampler keeps each with probability prob (a thinned Poisson
 * count is Poisson) and scales it by 1/prob. So n samples vary by √n, each weighing
 * sizeBytes/prob: variance = bytes × sizeBytes / prob. This holds at memprofilerate=1
 * too, where it measures the objects in flight at either instant.
 */
function sampleVarianceBytes2(bytes, sizeBytes, rateBytes) {
    return (bytes * sizeBytes) / sampleProbability(sizeBytes, rateBytes);
}
/** Identifies a whole stack across profiles: every frame with its line. */
function stackKey(frames) {
    return frames.map(frameString).join('\n');
}
const isGoroutineRecord = (frames) => frames.some((f) => f.function === 'runtime.newproc1');
function summarizeHeap(p, options = {}) {
    const objectsAt = sampleTypeIndex(p, 'inuse_objects');
    const bytesAt = sampleTypeIndex(p, 'inuse_space');
    if (objectsAt < 0 || bytesAt < 0)
        throw new GateError('not a heap profile: no inuse_objects/inuse_space');
    const isOwn = options.isOwn ?? ownCode(options.modulePaths ?? []);
    const rateBytes = p.period > 0 ? p.period : 512 * 1024;
    // The runtime writes one sample per stack and object size: merge them per stack.
    const stacks = new Map();
    let inuseBytes = 0;
    let inuseObjects = 0;
    for (const s of p.samples) {
        const bytes = s.values[bytesAt];
        const objects = s.values[objectsAt];
        if (bytes <= 0 || s.stack.length === 0)
            continue;
        inuseBytes += bytes;
        inuseObjects += objects;
        const key = stackKey(s.stack);
        let stack = stacks.get(key);
        if (!stack) {
            stack = {
                frames: s.stack,
                siteAt: siteIndex(s.stack, isOwn),
                ...(isGoroutineRecord(s.stack) ? { kind: 'goroutines' } : {}),
                bytes: 0,
                objects: 0,
                varianceBytes2: 0
            };
            stacks.set(key, stack);
        }
        const sizeBytes = s.numLabels.bytes || bytes / Math.max(objects, 1);
        stack.bytes += bytes;
        stack.objects += objects;
        stack.varianceBytes2 += sampleVarianceBytes2(bytes, sizeBytes, rateBytes);
    }
    return { inuseBytes, inuseObjects, samplingRateBytes: rateBytes, stacks: [...stacks.values()] };
}
/** Stacks grouped by the line (and kind) they are charged to, most bytes first. */
function allocationSites(stacks) {
    const sites = new Map();
    for (const s of stacks) {
        const frame = s.frames[s.siteAt];
        const key = `${s.kind ?? ''} ${frameString(frame)}`;
        let entry = sites.get(key);
        if (!entry) {
            const site = {
                function: frame.function,
                file: frame.file,
                line: frame.line,
                callPath: [],
                ...(s.kind ? { kind: s.kind } : {}),
                bytes: 0,
                objects: 0,
                varianceBytes2: 0
            };
            entry = { site, largest: s };
            sites.set(key, entry);
        }
        entry.site.bytes += s.bytes;
        entry.site.objects += s.objects;
        entry.site.varianceBytes2 += s.varianceBytes2;
        if (s.bytes > entry.largest.bytes)
            entry.largest = s;
    }
    return [...sites.values()]
        .map(({ site, largest }) => ({ ...site, callPath: callPath(largest.frames, largest.siteAt) }))
        .sort((a, b) => b.bytes - a.bytes);
}

// The growth of the live heap between two heap summaries, per whole stack: the last
// minus the first, as pprof merges the last with the first scaled by -1. Attribution
// (by line) and the flame graph (by stack) both read it.
function diffHeap(first, last) {
    const stacks = new Map();
    const add = (s, sign) => {
        const key = stackKey(s.frames);
        const sum = stacks.get(key);
        if (!sum)
            stacks.set(key, { ...s, bytes: sign * s.bytes, objects: sign * s.objects });
        else {
            sum.bytes += sign * s.bytes;
            sum.objects += sign * s.objects;
            sum.varianceBytes2 += s.varianceBytes2;
        }
    };
    for (const s of last.stacks)
        add(s, 1);
    for (const s of first.stacks)
        add(s, -1);
    return { stacks: [...stacks.values()] };
}

// The Go 1.26 goroutineleak profile (GOEXPERIMENT=goroutineleakprofile): goroutines the
// GC proved unreachable-blocked. It has the goroutine profile's shape, so it is summarized
// by summarizeGoroutines and joined by the blocking frame.
/** Marks the groups (of any summary keyed by frame) that hold proven-leaked goroutines. */
function markProvenLeaks(groups, leaked) {
    const keys = new Set(leaked.groups.filter((g) => g.count > 0).map(frameString));
    return groups.map((g) => ({ ...g, provenLeaked: keys.has(frameString(g)) }));
}

// Maps the file paths of a profile to paths in the repository.
// Go writes forward slashes on every platform; Windows drive letters compare case-insensitively.
function normalize(p) {
    return p
        .replace(/\\/g, '/')
        .replace(/^([A-Za-z]):\//, (_, drive) => `${drive.toLowerCase()}:/`)
        .replace(/(.)\/+$/, '$1');
}
function isAbsolute(p) {
    return p.startsWith('/') || /^[a-z]:\//.test(p);
}
function relativeInside(root, p) {
    const rel = posix.relative(root, p);
    return rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel) ? undefined : rel;
}
/**
 * The repository-relative path of a profile's file: an absolute build path under the
 * root, or (built with -trimpath) a path under one of the module paths. Undefined when outside.
 */
function toRepoPath(file, layout) {
    const f = normalize(file);
    const root = normalize(layout.repoRoot);
    if (isAbsolute(f))
        return relativeInside(root, f);
    // The longest path wins: a workspace may hold example.com/svc and example.com/svc/tools.
    const module = (layout.modules ?? [])
        .filter((m) => f.startsWith(`${m.path}/`))
        .reduce((a, m) => (a && a.path.length >= m.path.length ? a : m), undefined);
    if (!module)
        return undefined;
    return relativeInside(root, posix.join(normalize(module.dir), f.slice(module.path.length + 1)));
}

// Names the lines that leak: per allocation site and per goroutine group, the growth
// between the first and the last sample, told apart from sampling noise.
/**
 * Growth is noise below this many standard deviations: one-sided, and strict enough for
 * the hundreds of sites of an exact profile not to raise a false alarm between them.
 */
const noiseSigmas = 3;
/** Goroutine counts are exact, but requests in flight move them by a few. */
const minGoroutineGrowth = 3;
function byKey(items) {
    return new Map(items.map((i) => [frameString(i), i]));
}
function repoPath(file, layout) {
    const rel = layout && toRepoPath(file, layout);
    return rel ? { repoPath: rel } : {};
}
/**
 * Whether a site's growth could come from chance alone: the two samples' counts are
 * independent Poisson draws, so their difference has the sum of their variances
 * (HeapDiff). A new site of d samples needs d > 3√d: 10 samples, that is 10 objects when
 * exact and ~5 MiB of small objects at the default 512 KiB.
 */
function isWithinNoise(growthBytes, varianceBytes2) {
    return growthBytes <= noiseSigmas * Math.sqrt(varianceBytes2);
}
/**
 * Whether a site grew past the profile's sampling noise between the two profiles: a line
 * of the service, or new goroutines (whose `go` statement the goroutine table names).
 */
function namesHeapGrowth(first, last) {
    return attributeHeap(diffHeap(first, last), 0, null).some((s) => !s.withinNoise);
}
/** Sites whose live heap grew, most growth first. */
function attributeHeap(diff, elapsedSec, requests, layout) {
    return allocationSites(diff.stacks)
        .filter((site) => site.bytes > 0)
        .map((site) => ({
        function: site.function,
        file: site.file,
        line: site.line,
        ...repoPath(site.file, layout),
        ...(site.kind ? { kind: site.kind } : {}),
        callPath: site.callPath,
        inuseBytesGrowth: site.bytes,
        inuseObjectsGrowth: site.objects,
        bytesPerSec: elapsedSec > 0 ? site.bytes / elapsedSec : 0,
        ...(requests ? { bytesPerRequest: site.bytes / requests } : {}),
        withinNoise: isWithinNoise(site.bytes, site.varianceBytes2)
    }));
}
/** Goroutine groups that grew (or are proven leaked), most growth first. */
function attributeGoroutines(first, last, elapsedSec, extras = {}) {
    const before = byKey(first.groups);
    const text = byKey(extras.text ?? []);
    const groups = extras.leaked
        ? markProvenLeaks(last.groups, extras.leaked)
        : last.groups.map((g) => ({ ...g, provenLeaked: false }));
    const grown = [];
    for (const g of groups) {
        const key = frameString(g);
        const growth = g.count - (before.get(key)?.count ?? 0);
        // Proven leaks are always reported, however few.
        if (growth < minGoroutineGrowth && !g.provenLeaked)
            continue;
        const dump = text.get(key);
        const waitReason = dump?.waitReason ?? g.waitReason;
        grown.push({
            function: g.function,
            file: g.file,
            line: g.line,
            ...repoPath(g.file, extras.layout),
            callPath: g.callPath,
            ...(waitReason ? { waitReason } : {}),
            ...(dump?.createdBy ? { createdBy: dump.createdBy } : {}),
            countGrowth: growth,
            perSec: elapsedSec > 0 ? growth / elapsedSec : 0,
            count: g.count,
            ...(g.provenLeaked ? { provenLeaked: true } : {})
        });
    }
    return grown.sort((a, b) => b.countGrowth - a.countGrowth);
}
/**
 * What a reader must know when the heap profile is too coarse to name the sites: at Go's
 * 512 KiB small leaks do not show by site; at a finer rate, growth that no site could tell
 * from the sampling noise (a leak of a few dozen bytes a request caught at the first look).
 */
function samplingRateNote(samplingRateBytes, sites) {
    const kib = Math.round(samplingRateBytes / 1024);
    if (samplingRateBytes > 64 * 1024)
        return `The heap profile samples one allocation per ${kib} KiB: small leaks may not show by site. Set memprofilerate for finer attribution.`;
    if (samplingRateBytes > FINE_RATE_BYTES && sites.length > 0 && sites.every((s) => s.withinNoise))
        return `The heap grew, but no allocation site's growth cleared the heap profile's sampling noise (one sample per ${kib} KiB): memprofilerate: ${FINE_RATE_BYTES} names a leak of a few dozen bytes a request at once, at more CPU for a service that allocates much.`;
    return null;
}
const FINE_RATE_BYTES = 4096;

// The smallest leak a run could catch: a pass says little unless the report says how
// large a leak would have failed. A leak of slope s fails when its lower bound,
// about s − z·SE, clears the limit; that happens with probability `power` once
// s ≥ limit + (z + Φ⁻¹(power))·SE. That treats SE as known; with correlated noise it varies
// from run to run with the estimated correlation, and the power at this size is lower
// (simulated, 61 samples: 81 % independent, 74 % at φ = 0.5, 64 % at φ = 0.8).
/** Chance of failing a leak of exactly the detectable size. */
const POWER = 0.8;
/**
 * `se` is the whole window's standard error at the look the run stopped, `zFail` the z its
 * fail bound was read at, `requestsPerSec` the rate the load achieved.
 */
function detectableLeak(se, limitPerSec, zFail, requestsPerSec, power = POWER) {
    const perSec = limitPerSec + (zFail + normalQuantile(power)) * se;
    const perRequest = (perSecond) => requestsPerSec && requestsPerSec > 0 ? perSecond / requestsPerSec : null;
    return {
        perSec,
        perMin: perSec * 60,
        perRequest: perRequest(perSec),
        limitPerRequest: perRequest(limitPerSec)
    };
}

const MIN_TAU_SEC = 1;
/** A fill slower than 8 windows is a straight line within one: b and A can no longer be told apart. */
const WIDEST_TAU_WINDOWS = 8;
const TAU_GRID_STEPS = 40;
/** Golden-section steps within the best grid cell: the cell shrinks to 1e-5 of its width. */
const REFINE_STEPS = 24;
/**
 * Least squares of a + A(1 − e^(−(t − t₀)/τ)) + b(t − t₀): for each τ the model is linear
 * in a, A and b. τ is searched on a log grid from 1 s to half the window, then refined
 * between the best point's neighbours (a grid step of a few % leaves residuals larger than
 * quiesced noise on a fill of megabytes). Past half the window a fill is too close to a
 * straight line to tell τ apart. Null with fewer than 5 points or a window under 2 s.
 */
function fitFill(points) {
    const fit = bestFill(points, 0.5);
    if (!fit)
        return null;
    const spanSec = points[points.length - 1].t - points[0].t;
    return {
        plateau: fit.a[0] + fit.A[0],
        tauSec: fit.tauSec,
        remainingSlopePerSec: fit.b,
        stillToFill: fit.A[0] * Math.exp(-spanSec / fit.tauSec),
        residualSd: Math.sqrt(fit.squares / Math.max(points.length - 4, 1))
    };
}
/**
 * The residuals from the best fill with τ up to 8 windows, in time order; null where
 * `fitFill` is. The residuals only need the curve to follow the series: a τ that cannot
 * be told apart from a longer one still removes the bow.
 */
function fillResiduals(points) {
    const fit = bestFill(points, WIDEST_TAU_WINDOWS);
    return fit ? fillResidualsAt([points], fit)[0] : null;
}
/** τ from 1 s to `maxTauWindows` times the window's span. */
function bestFill(points, maxTauWindows) {
    const m = points.length;
    if (m < 5)
        return null;
    const maxTau = (points[m - 1].t - points[0].t) * maxTauWindows;
    if (maxTau < 2 * MIN_TAU_SEC)
        return null;
    const fitAt = (logTau) => fillAtTau([points], Math.exp(logTau));
    const grid = logGrid(MIN_TAU_SEC, maxTau, TAU_GRID_STEPS);
    let best = null;
    let bestStep = 0;
    grid.forEach((tauSec, k) => {
        const fit = fillAtTau([points], tauSec);
        if (fit && (!best || fit.squares < best.squares))
            [best, bestStep] = [fit, k];
    });
    if (!best)
        return null;
    let refined = best;
    goldenSection((logTau) => {
        const fit = fitAt(logTau);
        if (fit && fit.squares < refined.squares)
            refined = fit;
        return fit ? fit.squares : Infinity;
    }, Math.log(grid[Math.max(bestStep - 1, 0)]), Math.log(grid[Math.min(bestStep + 1, grid.length - 1)]));
    return refined;
}
/** `steps` values from `low` to `high`, evenly spaced on a log scale. */
function logGrid(low, high, steps) {
    const ratio = Math.pow(high / low, 1 / (steps - 1));
    return Array.from({ length: steps }, (_, k) => low * Math.pow(ratio, k));
}
/**
 * Least squares at a fixed τ, by Frisch–Waugh: within each block, time and value are
 * cleared of the block's level and fill, and b is the slope of what is left of value on
 * what is left of time. Sums only, over centred time and value (no cancellation on large
 * heaps): the τ searches call this some 60 times a window. Null when time is (nearly)
 * a combination of level and fill.
 */
function fillAtTau(blocks, tauSec) {
    const parts = [];
    for (const points of blocks) {
        const sums = blockSums(points, tauSec);
        if (!sums)
            return null;
        parts.push(sums);
    }
    const total = (f) => parts.reduce((s, c) => s + f(c), 0);
    const timeSquares = total((c) => c.ww - (c.xw * c.xw) / c.xx);
    if (!(timeSquares > 1e-9 * total((c) => c.ww)))
        return null;
    const b = total((c) => c.wy - (c.xw * c.xy) / c.xx) / timeSquares;
    const A = parts.map((c) => (c.xy - b * c.xw) / c.xx);
    const a = parts.map((c, j) => c.meanV - A[j] * c.meanX - b * c.meanW);
    const squares = total((c) => c.yy - (c.xy * c.xy) / c.xx) - b * b * timeSquares;
    return { tauSec, a, A, b, timeSquares, squares: Math.max(squares, 0) };
}
/** The residuals of a fill, per block, in time order. */
function fillResidualsAt(blocks, fit) {
    return blocks.map((points, j) => {
        const start = points[0].t;
        return points.map((p) => {
            const elapsed = p.t - start;
            return p.v - fit.a[j] - fit.A[j] * (1 - Math.exp(-elapsed / fit.tauSec)) - fit.b * elapsed;
        });
    });
}
function blockSums(points, tauSec) {
    const m = points.length;
    const start = points[0].t;
    const meanW = points.reduce((s, p) => s + p.t - start, 0) / m;
    const meanV = points.reduce((s, p) => s + p.v, 0) / m;
    const sums = { meanX: 0, meanW, meanV, xx: 0, xw: 0, xy: 0, ww: 0, wy: 0, yy: 0 };
    for (const p of points) {
        const x = 1 - Math.exp(-(p.t - start) / tauSec);
        const w = p.t - start - meanW;
        const y = p.v - meanV;
        sums.meanX += x;
        sums.xx += x * x;
        // w and y sum to 0, so these products need no correction for x's mean.
        sums.xw += x * w;
        sums.xy += x * y;
        sums.ww += w * w;
        sums.wy += w * y;
        sums.yy += y * y;
    }
    sums.meanX /= m;
    sums.xx -= m * sums.meanX * sums.meanX;
    return sums.xx > 0 ? sums : null;
}
/** Narrows [low, high] around a minimum of f; f records the best point it sees. */
function goldenSection(f, low, high) {
    const ratio = (Math.sqrt(5) - 1) / 2;
    let x1 = high - ratio * (high - low);
    let x2 = low + ratio * (high - low);
    let f1 = f(x1);
    let f2 = f(x2);
    for (let step = 0; step < REFINE_STEPS; step++) {
        if (f1 <= f2) {
            high = x2;
            x2 = x1;
            f2 = f1;
            x1 = high - ratio * (high - low);
            f1 = f(x1);
        }
        else {
            low = x1;
            x1 = x2;
            f1 = f2;
            x2 = low + ratio * (high - low);
            f2 = f(x2);
        }
    }
}

// Theil–Sen slope with an interval that holds when residuals are serially correlated.
// Heap readings a second apart share retained garbage and cache state, so residuals are
// AR(1)-like; Sen's interval assumes independence and then covers far less than it claims
// (77 % for a nominal 95 % at φ = 0.5, n = 31). Inflating the variance of Kendall's S by the
// AR(1) factor of Hamed & Rao (1998) restores coverage and costs nothing on independent noise.
/** Two-sided 95 %. */
const Z_95 = 1.959963984540054;
/** Above this many points the series is binned first (see `binned`). */
const MAX_PAIRED_POINTS = 400;
/** How many consecutive points each bin averages for n points in all. */
const binFactorFor = (n) => Math.ceil(n / MAX_PAIRED_POINTS);
/** Lag-1 correlation is capped below 1: at 1 the variance factor is unbounded. */
const MAX_RHO = 0.97;
/**
 * A fill curve "explains" the curvature when it leaves less than this share of the line's
 * squared residuals. In simulation, AR(1) noise around a line falls below it in under 2 %
 * of 31-point series for φ ≤ 0.9 (5 % at φ = 0.97, 4–9 % at 12–16 points for φ ≥ 0.8):
 * then the correlation is read around the fill and comes out lower. Fills of a few MiB
 * under quiesced noise leave under 5 % over 31 points.
 */
const FILL_SHARE = 0.25;
/** Below 12 points a 4-parameter fill follows AR(1) noise too often (5–10 % at φ ≥ 0.5). */
const MIN_FILL_POINTS = 12;
/** Parameters fitted before the residuals: a line has 2; a fill has a, A, b and τ. */
const LINE_PARAMETERS = 2;
const FILL_PARAMETERS = 4;
/**
 * Pooled over runs measured apart (repeats): pairs only within a run, since each restart has
 * its own intercept, and Kendall's S summed over runs, so its variance is the sum of theirs
 * (Hirsch, Slack & Smith 1982). The residual correlation is pooled over runs: they share
 * the service and the load, and one estimate from all residuals is steadier than several.
 */
function slopeIntervalBlocks(blocks, z = Z_95, shared) {
    const n = blocks.reduce((sum, b) => sum + b.length, 0);
    if (n < 3)
        return null;
    const factor = shared?.binFactor ?? binFactorFor(n);
    const used = factor > 1 ? blocks.map((b) => binned(b, factor)) : blocks;
    const slopes = pairwiseSlopes(used);
    if (slopes.length === 0)
        return null;
    slopes.sort();
    const slopePerSec = median(slopes);
    const paired = used.filter((b) => b.length >= 2);
    const meanLength = paired.reduce((sum, b) => sum + b.length, 0) / paired.length;
    const rho = shared?.rho ?? estimatedRho(paired, slopePerSec, meanLength);
    let varianceS = 0;
    let independentVarianceS = 0;
    for (const { length: m } of paired) {
        const plain = (m * (m - 1) * (2 * m + 5)) / 18;
        independentVarianceS += plain;
        varianceS += plain * varianceInflation(rho, m);
    }
    // Sen (1968): the bounds are read off the ordered pairwise slopes at ranks set by the
    // standard deviation of S (no ties in time: samples are taken at distinct instants).
    const count = slopes.length;
    const sigma = Math.sqrt(varianceS);
    const upper = Math.min(Math.round((count + z * sigma) / 2), count - 1);
    const lower = Math.max(Math.round((count - z * sigma) / 2) - 1, 0);
    const low = slopes[lower];
    const high = slopes[upper];
    return {
        slopePerSec,
        low,
        high,
        se: (high - low) / (2 * z),
        rho,
        vif: varianceS / independentVarianceS,
        n
    };
}
/**
 * Fitting k parameters biases the lag-1 correlation of residuals down: for a line (k = 2)
 * E[ρ̂] ≈ ρ(1 − 6/m) − 2/m (the mean-only bias of Marriott & Pope 1954 is (1 + 4ρ)/m; each
 * parameter adds about 1/m + 2ρ/m), checked by simulation to within 0.05 from m = 10 on.
 * Solving for ρ gives the correction. For a fill, counting τ as a full parameter (k = 4)
 * over-corrects a little up to φ = 0.8 (in simulation), which errs wide. The factor
 * 1/(1 − (2k + 2)/m) grows without bound as m falls, so m is held where it reaches 4
 * (8 points for a line); the clip keeps the result in range.
 */
function correctedRho(rhoHat, m, fittedParameters = LINE_PARAMETERS) {
    const shrink = 2 * fittedParameters + 2;
    const length = Math.max(m, (4 / 3) * shrink);
    const rho = (rhoHat + fittedParameters / length) / (1 - shrink / length);
    return Math.min(Math.max(rho, 0), MAX_RHO);
}
/**
 * Hamed & Rao (1998) for AR(1): Var(S) = Var₀(S) · (1 + 2/(m(m−1)(m−2)) Σ (m−k)(m−k−1)(m−k−2) ρᵏ).
 * The terms fall geometrically, so the sum stops once they no longer change it.
 */
function varianceInflation(rho, m) {
    if (m < 3 || rho <= 0)
        return 1;
    let sum = 0;
    let power = 1;
    for (let k = 1; k <= m - 3; k++) {
        power *= rho;
        const term = (m - k) * (m - k - 1) * (m - k - 2) * power;
        sum += term;
        if (term < sum * 1e-12)
            break;
    }
    return 1 + (2 / (m * (m - 1) * (m - 2))) * sum;
}
/**
 * Corrected lag-1 correlation of the residuals, pooled over blocks, each centred on its own
 * mean. The residuals are those from the slope, or from a fill where one explains the curvature:
 * around a line, a cache filling under quiet noise leaves a smooth bow whose lag-1
 * correlation is near 1, and the interval would widen for curvature, not for noise.
 */
function estimatedRho(blocks, slopePerSec, meanLength) {
    const line = blocks.map((points) => points.map((p) => p.v - slopePerSec * p.t));
    const fill = fillResidualBlocks(blocks);
    if (fill && squares(fill) < FILL_SHARE * squares(line)) {
        return correctedRho(lag1(fill), meanLength, FILL_PARAMETERS);
    }
    return correctedRho(lag1(line), meanLength, LINE_PARAMETERS);
}
function fillResidualBlocks(blocks) {
    const fill = blocks.map((points) => (points.length >= MIN_FILL_POINTS ? fillResiduals(points) : null));
    return fill.every((r) => r !== null) ? fill : null;
}
/**
 * The residual correlation around a fill, for growth already known to slow down: there the
 * bow a straight line leaves is the fill's, not noise, whatever share of it the fill explains
 * (a map that doubles fills in steps a smooth curve does not follow). Null when no fill fits.
 */
function rhoAroundFill(blocks) {
    const fill = fillResidualBlocks(blocks);
    if (!fill)
        return null;
    const meanLength = blocks.reduce((sum, b) => sum + b.length, 0) / blocks.length;
    return correctedRho(lag1(fill), meanLength, FILL_PARAMETERS);
}
function centred(r) {
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    return r.map((x) => x - mean);
}
function squares(blocks) {
    return blocks.reduce((sum, r) => sum + centred(r).reduce((s, x) => s + x * x, 0), 0);
}
/** Lag-1 correlation pooled over blocks of residuals, each centred on its own mean. */
function lag1(blocks) {
    let lagged = 0;
    let total = 0;
    for (const r of blocks.map(centred)) {
        for (let i = 0; i < r.length; i++) {
            total += r[i] * r[i];
            if (i + 1 < r.length)
                lagged += r[i] * r[i + 1];
        }
    }
    return total > 0 ? lagged / total : 0;
}
/**
 * Theil–Sen needs every pair: 6,000 points are 18 M slopes, seconds of sorting. Means of
 * `factor` consecutive points lie on the same line (a line's mean is its value at the mean
 * time), so the slope is unchanged; the noise of each mean shrinks as the number of points
 * falls, so the interval loses little, and whatever correlation is left between means is
 * measured by ρ̂ on the binned series like any other.
 */
function binned(points, factor) {
    const out = [];
    for (let start = 0; start < points.length; start += factor) {
        const group = points.slice(start, start + factor);
        out.push({
            t: group.reduce((sum, p) => sum + p.t, 0) / group.length,
            v: group.reduce((sum, p) => sum + p.v, 0) / group.length
        });
    }
    return out;
}
function pairwiseSlopes(blocks) {
    const capacity = blocks.reduce((sum, b) => sum + (b.length * (b.length - 1)) / 2, 0);
    const slopes = new Float64Array(capacity);
    let count = 0;
    for (const points of blocks) {
        for (let i = 0; i < points.length; i++) {
            for (let j = i + 1; j < points.length; j++) {
                const dt = points[j].t - points[i].t;
                if (dt !== 0)
                    slopes[count++] = (points[j].v - points[i].v) / dt;
            }
        }
    }
    return slopes.subarray(0, count);
}
function median(sorted) {
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Growth that is slowing down: a cache over a bounded key space or a pool still filling.
// Within one window such a ramp looks like a line, so the slope alone fails clean services;
// comparing the slopes of the two halves tells a fill from a leak, which keeps its pace.
/** One-sided 5 %: the first half must grow faster than the last by this many standard errors. */
const SATURATION_Z = 1.645;
/**
 * A fill slows by e^(−w/2τ) from one half of a w-second window to the next: to 0.61 for
 * τ = 30 s over 30 s. A last half that grows less than this share of the first is taken as
 * a fill however noisy the halves: on real services the test on the halves often lacks the
 * power to see it (a map that doubles fills in steps, and the residuals of a curve look
 * correlated), and a cache still filling must never fail. A leak slowed by a fill beside
 * it is still caught: what stays once the fill is done must clear the limit.
 */
const SLOWDOWN_RATIO = 0.75;
/**
 * Over repeats, each half pools the same half of every run. The halves do not share a
 * point, so their slopes are close to independent and their variances add. The halves
 * take the whole window's residual correlation (see SharedNoise).
 */
function windowSlopesBlocks(blocks, z = Z_95) {
    const first = halves(blocks, z, null);
    if (!first)
        return null;
    const { whole, firstHalf, lastHalf } = first;
    const difference = firstHalf.slopePerSec - lastHalf.slopePerSec;
    const se = Math.hypot(firstHalf.se, lastHalf.se);
    // Noise-free halves have SE 0: any difference is then certain.
    const score = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity;
    const slowing = firstHalf.slopePerSec > 0 && lastHalf.slopePerSec < SLOWDOWN_RATIO * firstHalf.slopePerSec;
    const shape = score > SATURATION_Z || slowing ? 'saturating' : score < -SATURATION_Z ? 'accelerating' : 'steady';
    const remaining = shape === 'saturating' ? remainingGrowthBounds(blocks, z) : null;
    // A fill's bow is not noise: once the growth is known to slow, its bounds are read with the
    // correlation of the residuals around the fill, when that is the lower.
    const rho = shape === 'saturating' ? rhoAroundFill(blocks) : null;
    const read = rho !== null && rho < whole.rho ? (halves(blocks, z, rho) ?? first) : first;
    return {
        ...read,
        z: score,
        shape,
        remainingLowPerSec: remaining?.low ?? null,
        remainingHighPerSec: remaining?.high ?? null
    };
}
/** The whole window and its halves, at `z`, with the whole window's residual correlation or `rho`. */
function halves(blocks, z, rho) {
    const n = blocks.reduce((sum, b) => sum + b.length, 0);
    const whole = slopeIntervalBlocks(blocks, z, rho === null ? undefined : { rho, binFactor: binFactorFor(n) });
    if (!whole)
        return null;
    const shared = { rho: whole.rho, binFactor: binFactorFor(whole.n) };
    const half = (part) => slopeIntervalBlocks(blocks.map(part), z, shared);
    const firstHalf = half((b) => b.slice(0, b.length >> 1));
    const lastHalf = half((b) => b.slice(b.length >> 1));
    return firstHalf && lastHalf ? { whole, firstHalf, lastHalf } : null;
}
const REMAINING_TAU_STEPS = 48;
/**
 * Profile bounds of b, the growth that stays once a fill is done: every τ whose fit is
 * within z² · VIF · σ² of the best (the profile likelihood region, widened for correlated
 * residuals) is plausible, and the bounds are the least of b − z · SE(b) and the most of
 * b + z · SE(b) over them. A slow fill that could explain the growth brings a τ with b near
 * 0 into the region, so a clean cache is not failed on a guessed τ; and a τ slow enough to
 * pass for a line trades b against the fill, which widens the upper bound, so a leak is not
 * passed as a fill unless the curve is plain.
 */
function remainingGrowthBounds(blocks, z) {
    const n = blocks.reduce((s, b) => s + b.length, 0);
    const freedom = n - (2 * blocks.length + 2);
    const spanSec = Math.max(...blocks.map((b) => (b.length ? b[b.length - 1].t - b[0].t : 0)));
    if (freedom < 2 || blocks.some((b) => b.length < 5) || spanSec <= MIN_TAU_SEC)
        return null;
    const fits = logGrid(MIN_TAU_SEC, WIDEST_TAU_WINDOWS * spanSec, REMAINING_TAU_STEPS)
        .map((tauSec) => fillAtTau(blocks, tauSec))
        .filter((f) => f !== null);
    if (fits.length === 0)
        return null;
    const best = fits.reduce((a, b) => (b.squares < a.squares ? b : a));
    const variance = best.squares / freedom;
    const meanLength = n / blocks.length;
    const vif = varianceInflation(correctedRho(lag1(fillResidualsAt(blocks, best)), meanLength, FILL_PARAMETERS), meanLength);
    const allowed = best.squares + z * z * vif * variance;
    const plausible = fits.filter((f) => f.squares <= allowed);
    const margin = (f) => z * Math.sqrt((vif * variance) / f.timeSquares);
    return {
        low: Math.min(...plausible.map((f) => f.b - margin(f))),
        high: Math.max(...plausible.map((f) => f.b + margin(f)))
    };
}

/** The trend of a series at `z`; null with fewer than 3 points a half. */
function trend(points, z = Z_95) {
    return trendBlocks([points], z);
}
/** Pooled over repeats (pairs within a repeat only); the fill is fitted to the first repeat. */
function trendBlocks(blocks, z = Z_95) {
    const w = windowSlopesBlocks(blocks, z);
    if (!w)
        return null;
    const fill = w.shape === 'saturating' ? fitFill(blocks[0]) : null;
    return {
        slopePerSec: w.whole.slopePerSec,
        ciLow: w.whole.low,
        ciHigh: w.whole.high,
        earlySlopePerSec: w.firstHalf.slopePerSec,
        lateSlopePerSec: w.lastHalf.slopePerSec,
        lateCiLow: w.lastHalf.low,
        lateCiHigh: w.lastHalf.high,
        sePerSec: w.whole.se,
        rho: w.whole.rho,
        vif: w.whole.vif,
        shape: w.shape,
        saturationZ: w.z,
        remainingLowPerSec: w.remainingLowPerSec,
        remainingHighPerSec: w.remainingHighPerSec,
        ...(fill
            ? {
                fill: {
                    plateau: fill.plateau,
                    tauSec: fill.tauSec,
                    remainingSlopePerSec: fill.remainingSlopePerSec
                }
            }
            : {}),
        z,
        confidence: twoSidedConfidence(z),
        method: 'theil-sen-ar1',
        n: w.whole.n
    };
}

// A measurement reduced to what the report keeps: samples, trends, attribution, load, notes.
function seriesPoints(samples, series) {
    return samples.flatMap((s) => {
        const v = SERIES$1[series].value(s);
        return v === null ? [] : [{ t: s.t, v }];
    });
}
/** One value per series, from a function of the series. */
function bySeries$1(f) {
    return Object.fromEntries(SERIES_NAMES.map((s) => [s, f(s)]));
}
/** Every series' trend, its bounds at `z`. */
function trends(samples, z) {
    return bySeries$1((s) => trend(seriesPoints(samples, s), z));
}
/** The heap diff, first sample to last, computed once for attribution and the flame graph. */
function heapGrowth(m) {
    const { heap } = m.sampling;
    const [first, last] = [heap[0], heap.at(-1)];
    return first && last && first !== last ? diffHeap(first.summary, last.summary) : null;
}
/** What grew between the first and the last sample, by allocation site and by goroutine stack. */
function attribution(m, shape) {
    const { heap, goroutines, requests, goroutineText, goroutineLeaks } = m.sampling;
    const { heapDiff, flamegraphFile } = shape;
    if (!heapDiff || goroutines.length < 2)
        return undefined;
    const layout = {
        repoRoot: m.module.repoRoot,
        modules: m.module.modules
    };
    const [firstHeap, lastHeap] = [heap[0], heap[heap.length - 1]];
    const [firstG, lastG] = [goroutines[0], goroutines[goroutines.length - 1]];
    const stacks = attributeGoroutines(firstG.summary, lastG.summary, lastG.t - firstG.t, {
        layout,
        ...(goroutineText ? { text: goroutineText } : {}),
        ...(goroutineLeaks ? { leaked: goroutineLeaks } : {})
    });
    const sites = attributeHeap(heapDiff, lastHeap.t - firstHeap.t, requests, layout);
    const rateNote = samplingRateNote(firstHeap.summary.samplingRateBytes, sites);
    return {
        heap: sites,
        goroutines: stacks,
        files: {
            ...(flamegraphFile ? { flamegraph: `${m.profilesDir}/${flamegraphFile}` } : {}),
            heapFirst: `${m.profilesDir}/${firstHeap.file}`,
            heapLast: `${m.profilesDir}/${lastHeap.file}`
        },
        ...(goroutineLeaks ? { goroutineLeakProfile: true } : {}),
        notes: rateNote ? [rateNote] : []
    };
}
function toRun(m, shape) {
    const a = attribution(m, shape);
    const { samples } = m.sampling;
    const durationSec = samples.at(-1)?.t ?? 0;
    const requestsPerSec = m.sampling.requests !== null && durationSec > 0 ? m.sampling.requests / durationSec : null;
    const last = shape.looks.at(-1);
    const runTrends = trends(samples, lookZ(last?.count ?? 1));
    return {
        side: m.side.side,
        ...(m.side.ref ? { ref: m.side.ref } : {}),
        ...(m.side.commit ? { commit: m.side.commit } : {}),
        samples,
        trends: runTrends,
        load: m.load,
        ...(a ? { attribution: a } : {}),
        sampleNotes: [
            ...m.notes,
            ...m.sampling.notes,
            ...(m.sampling.heapGauge ? [metricsNote(m.sampling.heapGauge)] : [])
        ],
        profilesDir: m.profilesDir,
        warmupSec: shape.warmupSec,
        durationSec,
        source: m.sampling.heapGauge ? { kind: 'metrics', heapGauge: m.sampling.heapGauge } : { kind: 'pprof' },
        requestsPerSec,
        looks: shape.looks,
        detectable: detectable(runTrends, last, requestsPerSec),
        quiescence: quiescence(samples, shape.quiesce, durationSec),
        ...(m.sampling.interval ? { interval: m.sampling.interval } : {})
    };
}
/** What a reader of a run measured through /metrics must know. */
function metricsNote(heapGauge) {
    return `read from the service's /metrics (${heapGauge}): without pprof no GC is forced before a reading, so the live heap counts garbage not yet collected and scatters far more; the smallest catchable leak above says what that costs, and naming the leaking line needs net/http/pprof`;
}
/** For each series judged at the last look: the smallest leak its fail rule would catch. */
function detectable(runTrends, last, requestsPerSec) {
    const out = {};
    for (const series of JUDGED_SERIES) {
        const t = runTrends[series];
        const limit = last?.limitsPerSec[series];
        if (!t || limit === undefined)
            continue;
        out[series] = detectableLeak(t.sePerSec, limit, t.z, requestsPerSec);
    }
    return out;
}
/** What pausing the load cost: pause per reading and the share of the run it took. */
function quiescence(samples, enabled, durationSec) {
    const pauses = samples.flatMap((s) => (s.pauseMs === undefined ? [] : [s.pauseMs])).sort((a, b) => a - b);
    const at = (q) => pauses.length ? pauses[Math.min(pauses.length - 1, Math.floor(q * pauses.length))] : null;
    const pausedSec = pauses.reduce((sum, ms) => sum + ms, 0) / 1000;
    return {
        enabled,
        notDrained: enabled ? samples.filter((s) => s.reading === 'least-of-4').length : 0,
        pauseP50Ms: at(0.5),
        pauseP95Ms: at(0.95),
        pausedFraction: pauses.length && durationSec > 0 ? pausedSec / durationSec : null
    };
}

// The verdict rule, applied at each look (looks.ts) while sampling goes on, and to the
// run once it stopped. Judgements are numbers; report/judgement.ts puts them in words.
/** A limit per second; one per request at the rate the load achieved (null without a count). */
function limitPerSec(limit, requestsPerSec) {
    if (limit.per === 'second')
        return limit.value;
    return requestsPerSec === null ? null : limit.value * requestsPerSec;
}
/**
 * One look: each series with a limit is judged on the samples so far, its bounds at the z
 * that splits the error budget over every look; sampling stops once each has an answer.
 */
function judgeLook(look) {
    const z = lookZ(look.count);
    const lastLook = look.index === look.count - 1;
    const record = {
        index: look.index,
        count: look.count,
        atSec: look.atSec,
        decisions: {},
        limitsPerSec: {}
    };
    for (const series of JUDGED_SERIES) {
        const limit = look.limits[series];
        const perSec = limit && limitPerSec(limit, look.requestsPerSec);
        if (perSec === null || perSec === undefined)
            continue;
        record.limitsPerSec[series] = perSec;
        const held = series === 'heap' ? look.heapFailed : undefined;
        const t = held ? null : trend(seriesPoints(look.samples, series), z);
        record.decisions[series] =
            held ??
                (t
                    ? decideLook({ trend: t, limitPerSec: perSec, lastLook })
                    : { outcome: lastLook ? 'inconclusive' : 'continue', rule: 'too-few-samples' });
    }
    const decided = Object.values(record.decisions).every((d) => d.outcome !== 'continue');
    // A heap that fails before its line can be named samples on to the next look: a fail
    // ignored can only pass less, and the comment must point at the line.
    const samplingOnToName = decided && !lastLook && record.decisions.heap?.outcome === 'fail' && look.heapLineNamed === false;
    if (samplingOnToName)
        record.samplingOnToName = true;
    const stop = decided && !samplingOnToName;
    // Nothing judged (every limit off, a baseline alone decides): no look can send the run on,
    // so no error budget is spent on looks that cannot happen.
    if (Object.keys(record.decisions).length === 0)
        Object.assign(record, { index: 0, count: 1 });
    return { record, stop };
}
/** The look at which the heap failed and sampling went on to name its line, if any. */
const heapFailedAt = (looks) => looks.find((l) => l.samplingOnToName);
/**
 * A run's judgement of one series: the decision of the look it stopped at, with the trend
 * over every sample up to it; for a heap that failed and sampled on to name its line, the
 * look where it failed, with the trend it failed on. null when the series has no limit.
 */
function judgeGrowth(series, run, limit) {
    const failedAt = series === 'heap' ? heapFailedAt(run.looks) : undefined;
    const last = failedAt ?? run.looks.at(-1);
    const decision = last?.decisions[series];
    const limitPerSec = last?.limitsPerSec[series];
    if (!limit || !decision || limitPerSec === undefined)
        return null;
    const outcome = decision.outcome === 'continue' ? 'inconclusive' : decision.outcome;
    const t = failedAt
        ? trend(seriesPoints(run.samples.filter((s) => s.t <= failedAt.atSec), series), lookZ(failedAt.count))
        : run.trends[series];
    if (!t)
        return { outcome, rule: 'too-few-samples', series, against: 'limit' };
    return {
        outcome,
        rule: decision.rule,
        series,
        against: 'limit',
        ...trendNumbers(t),
        limitPerSec,
        ...(limit.per === 'request' ? { limitPerRequest: limit.value } : {}),
        ...(t.fill ? { fill: t.fill } : {})
    };
}
const trendNumbers = (t) => ({
    estimatePerSec: t.slopePerSec,
    lowPerSec: t.ciLow,
    highPerSec: t.ciHigh,
    latePerSec: t.lateSlopePerSec,
    confidence: t.confidence
});
/**
 * The rule for a difference (head − base) against the allowed increase: fail when the
 * whole interval and the late difference are above it, pass when the interval is below.
 */
function judgeAgainst(low, high, lateEstimate, limit) {
    if (low > limit && lateEstimate > limit)
        return { outcome: 'fail', rule: 'above-limit' };
    if (low > limit)
        return { outcome: 'inconclusive', rule: 'late-slope-below-limit' };
    if (high > limit)
        return { outcome: 'inconclusive', rule: 'straddles' };
    return { outcome: 'pass', rule: 'upper-below-limit' };
}
const RANK = { fail: 2, inconclusive: 1, pass: 0 };
/** Worst outcome wins; judgements are listed worst first. */
function combine(judgements) {
    const present = judgements.filter((j) => j !== null);
    const sorted = [...present].sort((a, b) => RANK[b.outcome] - RANK[a.outcome]);
    return { verdict: sorted[0]?.outcome ?? 'pass', judgements: sorted };
}
/** Whether the verdict fails the check under `fail-on`. */
function failsGate(verdict, failOn) {
    if (failOn === 'never')
        return false;
    return verdict === 'fail' || (failOn === 'inconclusive' && verdict === 'inconclusive');
}

// The contract users depend on: every action input is also a CLI flag of the
// same name. action.yml and the README are checked against this table by tests.
const INPUTS = [
    { name: 'working-directory', default: '.', description: 'The Go module to test.' },
    { name: 'package', default: '.', description: 'The main package to build, relative to working-directory.' },
    {
        name: 'build-command',
        default: '',
        description: 'Replaces the default `go build`; it must write the binary to `$MEMGATE_BINARY`.'
    },
    {
        name: 'start-command',
        default: '',
        description: 'How to start the service (a shell command); default: the built binary. `$MEMGATE_BINARY` is set.'
    },
    { name: 'env', default: '', description: 'Environment variables for the service, one `KEY=VALUE` a line.' },
    {
        name: 'pprof-url',
        default: 'http://127.0.0.1:6060/debug/pprof',
        description: 'Where the service serves `net/http/pprof`.'
    },
    {
        name: 'metrics-url',
        default: '',
        description: "Where the service serves Prometheus `/metrics` (client_golang's Go collector), e.g. `http://127.0.0.1:6060/metrics`: read when pprof is not there. The metrics cannot force a GC, so their readings are noisier, and attribution needs pprof."
    },
    {
        name: 'source',
        default: 'auto',
        description: '`pprof`, `metrics` (read `metrics-url` only) or `auto`: pprof when it answers, else `metrics-url` when set.'
    },
    {
        name: 'ready-timeout',
        default: '60s',
        description: 'How long to wait for the pprof endpoint to answer.'
    },
    {
        name: 'load-command',
        default: '',
        description: 'A shell command that drives the service; it gets `MEMGATE_TARGET_URL` and `MEMGATE_DURATION` (seconds: warm-up + max-duration + 10). Empty: the built-in load generator.'
    },
    {
        name: 'target-url',
        default: '',
        description: 'The URL the built-in load generator requests; default: `/` on the pprof-url host.'
    },
    { name: 'rate', default: '200', description: 'Requests per second of the built-in load generator.' },
    {
        name: 'connections',
        default: '8',
        description: 'Concurrent connections of the built-in load generator.'
    },
    {
        name: 'duration',
        default: '30s',
        description: 'How long to sample after warm-up before the first look at the growth; the gate looks again every `duration` while the answer is unclear.'
    },
    {
        name: 'max-duration',
        default: '120s',
        description: 'The longest the gate samples: growth still unclear at this look is inconclusive. Retention that lasts longer than about half of it looks like a leak.'
    },
    { name: 'warmup', default: '15s', description: 'Load before sampling starts, so caches and pools fill.' },
    {
        name: 'interval',
        default: 'auto',
        description: 'Time between samples; `auto`: from what the first sample cost the service, so that sampling stays within `sampling-budget`, at most once a second; when a look would get fewer than 8 samples, the looks (`duration`, `max-duration`) move later by the same factor and the report says so; with a `load-command`, which runs for the time it was given, they stay, and sampling goes over the budget, said in the report.'
    },
    {
        name: 'sampling-budget',
        default: '5%',
        description: "The share of one core the samples' forced GCs may take from the service (each marks its whole live heap): `interval: auto` keeps to it, and the report says when a fixed interval does not."
    },
    {
        name: 'quiesce',
        default: 'on',
        description: '`on`: pause the load for each reading until no request is in flight, so that the live heap counts what is retained; `off`: take the least of four readings under load.'
    },
    {
        name: 'max-heap-growth',
        default: '512KiB/min',
        description: 'Allowed live-heap growth, per time (`1MiB/min`) or per request of the built-in load (`64B/req`); `off` turns the limit off.'
    },
    {
        name: 'max-goroutine-growth',
        default: '10/min',
        description: 'Allowed goroutine growth, per time (`10/min`) or per requests of the built-in load (`1/1000req`); `off` turns the limit off.'
    },
    {
        name: 'baseline',
        default: 'auto',
        description: '`merge-base` (measure the merge-base of the PR the same way), `none`, or the path of a report.json; `auto`: `merge-base` on pull_request events, else `none`.'
    },
    {
        name: 'base-ref',
        default: '',
        description: 'The branch the PR merges into; the action reads it from the event, the CLI uses the default branch.'
    },
    {
        name: 'repeats',
        default: '1',
        description: 'How many base/head pairs are measured (at most 20): one pair runs base then head; more run base, head, head, base, … so that over an even number of pairs a steady drift of the machine falls on both sides alike.'
    },
    {
        name: 'max-repeats',
        default: '3',
        description: 'The most base/head pairs (at least `repeats`, at most 20): while head − base straddles the allowed increase after `repeats` pairs, one more pair is measured, up to this many.'
    },
    {
        name: 'max-increase-over-baseline',
        default: '256KiB/min, 5/min',
        description: 'How much faster than the base the head may grow: a heap rate, a goroutine rate, or both separated by a comma (one left out keeps its default); `off` turns the comparison off.'
    },
    {
        name: 'baseline-noise-floor',
        default: '30KiB/min, 0/min',
        description: "The least run-to-run spread of growth rates the comparison allows for (one standard deviation of a run's slope): two runs of the same code differ by more than their own intervals say. Measure your service's with `memgate calibrate`; the default is measured on a quiet service."
    },
    {
        name: 'memprofilerate',
        default: '32768',
        description: "Sets `GODEBUG=memprofilerate=N` for the service: one heap-profile sample per N bytes allocated (32768: 16 times finer than Go's 512 KiB), at about 3% more CPU on an allocation-heavy service; `4096` names the line of a leak of a few dozen bytes a request at the first look but costs such a service about a quarter more CPU; `1` records every allocation, `off` keeps Go's 512 KiB."
    },
    {
        name: 'goroutine-leak-profile',
        default: 'auto',
        description: '`auto`, `on` or `off`: build with `GOEXPERIMENT=goroutineleakprofile` (Go 1.26+) and read `/debug/pprof/goroutineleak`.'
    },
    {
        name: 'fail-on',
        default: 'fail',
        description: '`fail`, `inconclusive` (stricter) or `never` (report only).'
    },
    {
        name: 'comment',
        default: 'always',
        description: 'When to write the PR comment: `always`, `on-change`, `on-failure` or `never`.',
        actionOnly: true
    },
    {
        name: 'name',
        default: 'memgate',
        description: 'Tells several gates in one repository apart (comments, artifacts, summaries).'
    },
    {
        name: 'pushgateway-url',
        default: '',
        description: "A Prometheus Pushgateway to push each run's slopes and verdict to, grouped by `name`, repository, branch and commit; a failed push is a warning and leaves the verdict as it is."
    },
    {
        name: 'github-token',
        default: '${{ github.token }}',
        description: 'Token for the PR comment.',
        actionOnly: true
    },
    {
        name: 'upload-artifact',
        default: 'true',
        description: 'Upload the raw profiles and report.json as an artifact.',
        actionOnly: true
    },
    {
        name: 'mode',
        default: 'full',
        description: '`full`, `analyze` (no GitHub writes but the artifact: for untrusted fork code) or `comment` (post the report.json given in `report-json`).',
        actionOnly: true
    },
    {
        name: 'report-json',
        default: '',
        description: 'With `mode: comment`, the report.json an earlier `analyze` run wrote.',
        actionOnly: true
    }
];

// Secrets out of everything users see: the PR comment, the job summary, report.json, the
// artifact's logs, the terminal and error lines. None of these is masked by the runner the
// way the job log is, and a user's commands, URLs and env often carry credentials. Two
// kinds of redaction: by shape (URLs with credentials, headers, flags, key=value, well-known
// token formats) and by value (a Redactor built from the values known to be secret).
/** What a secret is replaced with. */
const HIDDEN = '***';
/** Values shorter than this are not redacted by value: "1", "on" or "dev" would blank out ordinary text. */
const MIN_SECRET_LENGTH = 4;
// Name parts that mark a credential anywhere in a name (accessToken, DB_PASSWORD, x-api-key).
const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credential'];
// Name parts that mark a credential only as a whole part ("key" but not "monkey").
const SECRET_PARTS = new Set([
    'key',
    'pass',
    'pwd',
    'auth',
    'authorization',
    'cred',
    'creds',
    'dsn',
    'cookie',
    'session'
]);
/**
 * Whether a name (env variable, flag, header, query or JSON key) usually holds a credential:
 * DB_PASSWORD, --api-key, X-Auth-Token, accessToken, STRIPE_SK is not (no telling part).
 */
function isSecretName(name) {
    // PWD is the shell's working directory, not a password.
    if (name === 'PWD')
        return false;
    const parts = name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .split(/[^a-z0-9]+/);
    const joined = parts.join('');
    return SECRET_WORDS.some((w) => joined.includes(w)) || parts.some((p) => SECRET_PARTS.has(p));
}
/**
 * A URL without what may be secret: credentials and the query and fragment.
 * http://user:pw@host/x?token=1 -> http://***@host/x?***. A URL without them is unchanged.
 */
function redactUrl(url) {
    return url.replace(URL_PATTERN, redactUrlMatch);
}
// scheme://[userinfo@]host[path][?query][#fragment], up to whitespace, a quote or markup.
// userinfo is greedy up to the last "@" before the path, so a password with an unencoded "@" is covered.
const URL_PATTERN = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)(?:([^\s/?#'"<>`]*)@)?([^\s?#'"<>`]*)(\?[^\s#'"<>`]*)?(#[^\s'"<>`]*)?/gi;
function redactUrlMatch(_all, scheme, userinfo, rest, query, fragment) {
    const user = userinfo === undefined ? '' : `${HIDDEN}@`;
    return `${scheme}${user}${rest}${query ? `?${HIDDEN}` : ''}${fragment ? `#${HIDDEN}` : ''}`;
}
// A value: quoted, or up to whitespace, a quote, "&", ";" or ",". Lengths are bounded so that
// hostile text (a megabyte of `token="`) costs linear time.
const VALUE$1 = String.raw `(?:"[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s'"&;,]+)`;
const NAMED_RULES = [
    // Headers: "Authorization: Bearer x", -H 'X-Api-Key: x'. The scheme word stays; the rest of the value goes.
    // A name inside a URL (http://auth:8080) is a host, not a header.
    {
        head: /(?<![\w./@-])([A-Za-z][\w-]{0,63}):[ \t]*/g,
        value: /((?:Bearer|Basic|Token|Digest|Negotiate|Bot)[ \t]+)?(?!\/\/)[^\s'"][^'"\n]*/iy,
        hide: (v) => `${v[1] ?? ''}${HIDDEN}`
    },
    // Flags: --password=x, --token x, -password x. A following flag or shell operator is not a value.
    {
        head: /(?<![\w-])(--?[A-Za-z][\w-]{0,63})(?:=|[ \t]+)/g,
        value: new RegExp(String.raw `(?![-<>|&;=])${VALUE$1}`, 'y'),
        hide: () => HIDDEN
    },
    // key=value: TOKEN=x, password=x in a query or a log line, Password=x; in a connection string.
    {
        head: /\b([A-Za-z_][\w.-]{0,63})[ \t]*=[ \t]*/g,
        // In a connection string a value runs to the ";", spaces included.
        value: new RegExp(String.raw `(?!=)(?:[^;'"\n=&]{1,256}(?=;)|${VALUE$1})`, 'y'),
        hide: () => HIDDEN
    },
    // JSON: "password": "x".
    {
        head: /"([A-Za-z_][\w.-]{0,63})"[ \t]*:[ \t]*/g,
        value: /"[^"\n]{0,1024}"/y,
        hide: () => `"${HIDDEN}"`
    }
];
function redactNamed(text, rule) {
    let out = '';
    let copied = 0;
    rule.head.lastIndex = 0;
    for (let head = rule.head.exec(text); head; head = rule.head.exec(text)) {
        if (!isSecretName(head[1]))
            continue;
        const at = head.index + head[0].length;
        rule.value.lastIndex = at;
        const value = rule.value.exec(text);
        if (!value)
            continue;
        out += text.slice(copied, at) + rule.hide(value);
        copied = rule.head.lastIndex = at + value[0].length;
    }
    return out + text.slice(copied);
}
// Secrets recognised by their shape alone, wherever they are.
const SHAPES = [
    [
        /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
        () => `-----BEGIN PRIVATE KEY----- ${HIDDEN}`
    ],
    [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, () => HIDDEN],
    [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, () => HIDDEN],
    [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, () => HIDDEN],
    [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, () => HIDDEN],
    [/\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/g, () => HIDDEN],
    [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, () => HIDDEN],
    [/\bAIza[A-Za-z0-9_-]{35}/g, () => HIDDEN],
    [/\bglpat-[A-Za-z0-9_-]{20,}/g, () => HIDDEN],
    [/\bnpm_[A-Za-z0-9]{36}\b/g, () => HIDDEN],
    // curl -u user:password, --user user:password: the user stays.
    [
        /((?:^|\s)(?:-u|--user)[ \t]+['"]?)([^\s:'"]{1,256}):[^\s'"]+/g,
        (_all, flag, user) => `${flag}${user}:${HIDDEN}`
    ],
    // Go MySQL DSNs have no scheme: user:password@tcp(host:3306)/db.
    [
        /\b([A-Za-z0-9._-]{1,64}):[^\s@/'"]{1,256}@(tcp|unix|udp)\(/g,
        (_all, user, net) => `${user}:${HIDDEN}@${net}(`
    ]
];
/**
 * Text with secrets of known shapes hidden: URLs lose credentials, query and fragment;
 * headers, flags and key=value pairs with a secret-looking name lose their value; GitHub,
 * AWS, Stripe, Slack, Google and npm tokens, JWTs and private keys are hidden wherever they are.
 * Ordinary text is unchanged, and redacting twice changes nothing more.
 */
function redactText(text) {
    let out = redactUrl(text);
    for (const [pattern, replace] of SHAPES)
        out = out.replace(pattern, replace);
    for (const rule of NAMED_RULES)
        out = redactNamed(out, rule);
    return out;
}
/** An env block (KEY=VALUE lines) with its names only: "KEY=***" lines, comments and blanks left out. */
function envNamesOnly(envText) {
    return envText
        .split(/\r?\n/)
        .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
        .filter((name) => name !== undefined)
        .map((name) => `${name}=${HIDDEN}`)
        .join('\n');
}
/**
 * Hides known secret values (env values, the GitHub token) wherever they occur, then
 * secrets of known shapes (redactText). Values shorter than MIN_SECRET_LENGTH are ignored.
 */
class Redactor {
    /** The values hidden, longest first, so that one inside another does not leave a tail. */
    values;
    pattern;
    constructor(values) {
        const kept = new Set();
        for (const v of values)
            if (v && v.length >= MIN_SECRET_LENGTH)
                kept.add(v);
        this.values = [...kept].sort((a, b) => b.length - a.length);
        this.pattern = this.values.length
            ? new RegExp(this.values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
            : null;
    }
    /** A bound function: it can be handed on as it is (OutputTail's redact option). */
    redact = (text) => redactText(this.pattern ? text.replace(this.pattern, HIDDEN) : text);
    /** Every string in a JSON-like value redacted (report.json before it is written or rendered). */
    redactJson(value) {
        return JSON.parse(JSON.stringify(value), (_key, v) => typeof v === 'string' ? this.redact(v) : v);
    }
}
/* eslint-disable no-control-regex -- matching control characters is the point */
// Terminal escapes: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \, or to the end of the line), the
// 8-bit CSI, and the other ESC sequences (ESC, intermediates, a final: ESC 7, ESC ( B).
const ANSI_ESCAPE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]/g;
// C0 and C1 controls but \t and \n (\r too: it lets a line overwrite itself), DEL, and the
// bidirectional overrides that make a line show in another order than it reads.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */
/** Text from a profile or a process, safe to print to a terminal: no escapes, no control characters but \n and \t. */
function stripControl(text) {
    return text.replace(ANSI_ESCAPE, '').replace(CONTROL, '');
}

// Human units for the inputs: sizes ("512KiB"), durations ("30s", "1m30s") and
// rates ("1MiB/min", "10/min"). Parsers throw UnitError with what was expected;
// config.ts adds the input's name.
class UnitError extends Error {
}
/** The longest duration: a day. Longer is a typo, and Node's timers fire at once past 24.8 days. */
const MAX_DURATION_MS = 24 * 3_600_000;
/** The largest size, 1024GiB. */
const MAX_BYTES = 1024 ** 4;
/** The largest count in a rate (goroutines per time unit). */
const MAX_COUNT = 1e9;
/** The input as echoed in an error: a 400-digit number is shown by its start. */
function quoted(text) {
    return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}
const SIZE_FACTORS = {
    '': 1,
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3
};
const DURATION_MS = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
const PER_SEC = { s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600, hour: 1 / 3600 };
/** The size `text` gives, or undefined when it is not written as a size; too large throws. */
function sizeIn(text) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
    const factor = m ? SIZE_FACTORS[m[2].toLowerCase()] : undefined;
    if (!m || factor === undefined)
        return undefined;
    const bytes = Number(m[1]) * factor;
    // Also refuses a number too long to be finite.
    if (!(bytes <= MAX_BYTES))
        throw new UnitError(`expected a size up to 1024GiB, got ${quoted(text)}`);
    return bytes;
}
/** "1m30s" -> 90000 ms. Units ms, s, m, h; a bare number is seconds. */
function parseDurationMs(text) {
    const t = text.trim();
    const parts = /^\d+(\.\d+)?$/.test(t) ? [[t, t, 's']] : [...t.matchAll(/(\d+(?:\.\d+)?)(ms|min|s|m|h)/gy)];
    if (t === '' || parts.map((p) => p[0]).join('') !== t)
        throw new UnitError(`expected a duration such as 30s, 2m or 1m30s, got ${quoted(text)}`);
    const ms = parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_MS[p[2]], 0);
    // Also refuses a number too long to be finite.
    if (!(ms <= MAX_DURATION_MS))
        throw new UnitError(`expected a duration up to 24h, got ${quoted(text)}`);
    return ms;
}
/** "1MiB/min" -> {perSec: 17476.27, kind: 'bytes'}; "10/min" -> {perSec: 0.1667, kind: 'count'}. */
function parseRate(text) {
    const m = /^\s*([^/]+?)\s*\/\s*(\d*)\s*([a-z]+)\s*$/i.exec(text);
    const unit = m?.[3].toLowerCase() ?? '';
    const perRequest = unit === 'req' || unit === 'request' || unit === 'requests';
    const perSec = PER_SEC[unit];
    // "1/1000req": a count over many requests; the time units take no count ("10/5min" is not a rate).
    const requests = m?.[2] ? Number(m[2]) : 1;
    const expected = `expected a rate such as 1MiB/min, 10/min, 64B/req or 1/1000req, got ${quoted(text)}`;
    if (!m || (!perRequest && (perSec === undefined || m[2])) || !(requests >= 1 && requests <= MAX_COUNT))
        throw new UnitError(expected);
    const per = perRequest ? 'request' : 'second';
    const scale = perRequest ? 1 / requests : perSec;
    const amount = m[1];
    if (/^\d+(\.\d+)?$/.test(amount)) {
        if (!(Number(amount) <= MAX_COUNT))
            throw new UnitError(`expected a count up to ${MAX_COUNT}, got ${quoted(text)}`);
        return { value: Number(amount) * scale, per, kind: 'count' };
    }
    const bytes = sizeIn(amount);
    if (bytes === undefined)
        throw new UnitError(expected);
    return { value: bytes * scale, per, kind: 'bytes' };
}
const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** 1536 -> "1.5 KiB". Signed, three significant digits. */
function formatBytes(bytes) {
    // No "-0 B": a value that rounds to zero has no sign.
    const sign = bytes <= -0.5 ? '-' : '';
    let v = Math.abs(bytes);
    let i = 0;
    while (v >= 1024 && i < IEC.length - 1) {
        v /= 1024;
        i++;
    }
    const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return `${sign}${v.toFixed(digits)} ${IEC[i]}`;
}
/** Bytes per second shown per minute, the unit the limits are written in. */
function formatByteRate(bytesPerSec) {
    return `${formatBytes(bytesPerSec * 60)}/min`;
}
function formatCountRate(perSec) {
    const perMin = perSec * 60;
    return `${Math.abs(perMin) >= 100 ? Math.round(perMin) : Number(perMin.toPrecision(2))}/min`;
}
/** A growth rate in its series' unit: "3.25 MiB/min", "12/min". */
function formatRate(perSec, unit) {
    return unit === 'bytes' ? formatByteRate(perSec) : formatCountRate(perSec);
}
/** A difference of rates, signed: "+3.25 MiB/min", "-12/min". */
function formatSignedRate(perSec, unit) {
    return (perSec > 0 ? '+' : '') + formatRate(perSec, unit);
}

// Inputs and flags -> one typed, validated Config. Nothing else reads inputs.
/** A user error: one line that names the input and how to fix it. Exit code 2. */
class ConfigError extends Error {
}
/** The fewest samples a look may judge: the interval is at most duration / 8. */
const SAMPLES_PER_LOOK = 8;
/** The most base/head pairs (`repeats`, `max-repeats`): each runs the service twice. */
const MAX_PAIRS = 20;
/** `interval: auto` never samples more often than this (engine/sampling-budget.ts). */
const AUTO_INTERVAL_FLOOR_MS = 1000;
/** The longest interval the duration allows: each look gets its samples. */
function longestIntervalMs(config) {
    return config.durationMs / SAMPLES_PER_LOOK;
}
/**
 * A gate's name: it names the output folder (RUNNER_TEMP/go-memgate/NAME, removed at start)
 * and the artifact, so `.`, `..` and anything with a path separator are out.
 */
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const defaultOf = (name) => INPUTS.find((i) => i.name === name)?.default ?? '';
function parseConfig(raw, event = {}) {
    const known = new Set(INPUTS.map((i) => i.name));
    for (const key of Object.keys(raw)) {
        if (!known.has(key))
            throw new ConfigError(`unknown input "${key}"`);
    }
    const get = (name) => {
        const v = raw[name]?.trim();
        return v ? v : (INPUTS.find((i) => i.name === name)?.default ?? '');
    };
    const optional = (name) => get(name) || null;
    const inInput = (name, parse) => {
        try {
            return parse(get(name));
        }
        catch (e) {
            if (e instanceof UnitError || e instanceof ConfigError)
                throw new ConfigError(`${name}: ${e.message}`);
            throw e;
        }
    };
    const oneOf = (name, choices) => inInput(name, (s) => {
        if (!choices.includes(s))
            throw new ConfigError(`expected one of ${choices.join(', ')}, got "${s}"`);
        return s;
    });
    const positiveInt = (name, max) => inInput(name, (s) => {
        if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > max)
            throw new ConfigError(`expected a whole number from 1 to ${max}, got "${s}"`);
        return Number(s);
    });
    const duration = (name, min) => inInput(name, (s) => {
        const ms = parseDurationMs(s);
        if (ms < min)
            throw new ConfigError(`must be at least ${min / 1000}s, got "${s}"`);
        return ms;
    });
    const limit = (name, kind) => inInput(name, (s) => {
        if (s.toLowerCase() === 'off')
            return null;
        const rate = rateOfKind(s, kind);
        // Requests are counted by the built-in load only.
        if (rate.per === 'request' && optional('load-command'))
            throw new ConfigError(`a limit per request needs the built-in load, which counts requests; with a load-command give a rate per time such as ${kind === 'bytes' ? '512KiB/min' : '10/min'}`);
        return { value: rate.value, per: rate.per };
    });
    const pprofUrl = inInput('pprof-url', (s) => {
        const url = httpUrl(s);
        // Profile names are appended to it: a query or fragment would swallow them.
        if (new URL(url).search || new URL(url).hash)
            throw new ConfigError('has a query or a fragment; give the folder of net/http/pprof alone, such as http://127.0.0.1:6060/debug/pprof');
        return url.replace(/\/+$/, '');
    });
    const metricsUrl = optional('metrics-url')
        ? inInput('metrics-url', (s) => httpUrl(s, METRICS_EXAMPLE))
        : null;
    const source = oneOf('source', ['auto', 'pprof', 'metrics']);
    if (source === 'metrics' && !metricsUrl)
        throw new ConfigError(`metrics-url: source "metrics" needs the URL of the service's /metrics, such as ${METRICS_EXAMPLE}`);
    const targetUrl = optional('target-url')
        ? inInput('target-url', httpUrl)
        : new URL('/', pprofUrl).toString();
    const durationMs = duration('duration', 5000);
    const intervalMs = get('interval').toLowerCase() === 'auto' ? null : duration('interval', 500);
    // auto samples at most once a second.
    if (durationMs / (intervalMs ?? AUTO_INTERVAL_FLOOR_MS) < SAMPLES_PER_LOOK)
        throw new ConfigError(`interval: ${get('interval')} gives fewer than ${SAMPLES_PER_LOOK} samples in duration ${get('duration')}; ${intervalMs === null ? 'lengthen the duration' : 'shorten the interval or lengthen the duration'}`);
    const maxDurationMs = duration('max-duration', 5000);
    if (maxDurationMs < durationMs)
        throw new ConfigError(`max-duration: ${get('max-duration')} is shorter than duration ${get('duration')}; give at least the duration`);
    const repeats = positiveInt('repeats', MAX_PAIRS);
    // At least repeats: the runner passes the declared default of an input left out, so a
    // workflow that sets only repeats must not be refused for it.
    const maxRepeats = Math.max(repeats, positiveInt('max-repeats', MAX_PAIRS));
    const mode = oneOf('mode', ['full', 'analyze', 'comment']);
    const reportJson = optional('report-json');
    if (mode === 'comment' && !reportJson)
        throw new ConfigError('report-json: mode "comment" needs the path of the report.json to post');
    return {
        name: inInput('name', (s) => {
            if (!new RegExp(NAME_PATTERN).test(s))
                throw new ConfigError(`use 1 to 64 letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder), got "${s}"`);
            return s;
        }),
        workingDirectory: get('working-directory'),
        package: inInput('package', (s) => {
            // It is an argument of go build: one that starts with "-" would be read as a flag (-toolexec=…).
            if (s.startsWith('-'))
                throw new ConfigError(`"${s}" starts with "-", which go build reads as a flag; give a package path such as ./cmd/server`);
            return s;
        }),
        buildCommand: optional('build-command'),
        startCommand: optional('start-command'),
        env: inInput('env', parseEnv),
        pprofUrl,
        metricsUrl,
        source,
        readyTimeoutMs: duration('ready-timeout', 1000),
        loadCommand: optional('load-command'),
        targetUrl,
        ratePerSec: positiveInt('rate', 100_000),
        connections: positiveInt('connections', 1000),
        durationMs,
        maxDurationMs,
        warmupMs: duration('warmup', 0),
        intervalMs,
        samplingBudgetCores: inInput('sampling-budget', parseBudget),
        quiesce: oneOf('quiesce', ['on', 'off']) === 'on',
        maxHeapGrowth: limit('max-heap-growth', 'bytes'),
        maxGoroutineGrowth: limit('max-goroutine-growth', 'count'),
        baseline: inInput('baseline', (s) => parseBaseline(s, event)),
        baseRef: optional('base-ref') ?? event.pullRequestBaseRef ?? null,
        repeats,
        maxRepeats,
        maxIncreaseOverBaseline: inInput('max-increase-over-baseline', parseIncrease),
        baselineNoiseFloor: inInput('baseline-noise-floor', (s) => parseSeriesRates(s, defaultOf('baseline-noise-floor'))),
        memprofilerate: get('memprofilerate').toLowerCase() === 'off' ? null : positiveInt('memprofilerate', 2 ** 30),
        goroutineLeakProfile: oneOf('goroutine-leak-profile', ['auto', 'on', 'off']),
        failOn: oneOf('fail-on', ['fail', 'inconclusive', 'never']),
        comment: oneOf('comment', ['always', 'on-change', 'on-failure', 'never']),
        githubToken: get('github-token'),
        uploadArtifact: oneOf('upload-artifact', ['true', 'false']) === 'true',
        mode,
        reportJson,
        pushgatewayUrl: optional('pushgateway-url')
            ? inInput('pushgateway-url', (s) => httpUrl(s, 'http://127.0.0.1:9091'))
            : null
    };
}
/** "5%" → 0.05 of one core. */
function parseBudget(text) {
    const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    const percent = m ? Number(m[1]) : NaN;
    if (!(percent >= 0.1 && percent <= 100))
        throw new ConfigError(`expected a share of one core from 0.1% to 100% such as 5%, got "${text}"`);
    return percent / 100;
}
function rateOfKind(text, kind) {
    const rate = parseRate(text);
    if (rate.kind !== kind)
        throw new ConfigError(kind === 'bytes'
            ? `expected a size per time or per request such as 1MiB/min or 64B/req, got "${text}"`
            : `expected a count per time or per requests such as 10/min or 1/1000req, got "${text}"`);
    return rate;
}
const METRICS_EXAMPLE = 'http://127.0.0.1:6060/metrics';
function httpUrl(text, example = 'http://127.0.0.1:6060/debug/pprof') {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new ConfigError(`expected a URL such as ${example}, got "${text}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ConfigError(`expected an http:// or https:// URL, got "${text}"`);
    return url.toString();
}
function parseEnv(text) {
    const env = {};
    for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '' || line.trim().startsWith('#'))
            continue;
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (!m)
            throw new ConfigError(`expected NAME=value on each line, got "${line.trim()}"`);
        env[m[1]] = m[2];
    }
    return env;
}
function parseBaseline(text, event) {
    if (text === 'auto')
        return { kind: event.pullRequestBaseRef ? 'merge-base' : 'none' };
    if (text === 'none' || text === 'merge-base')
        return { kind: text };
    if (text.endsWith('.json'))
        return { kind: 'report', path: text };
    throw new ConfigError(`expected auto, merge-base, none, or the path of a report.json, got "${text}"`);
}
/** "256KiB/min, 5/min", or `off` for neither. */
function parseIncrease(text) {
    if (text.toLowerCase() === 'off')
        return { heapBytesPerSec: null, goroutinesPerSec: null };
    return parseSeriesRates(text, defaultOf('max-increase-over-baseline'));
}
/** "256KiB/min, 5/min": the unit tells the series, one left out keeps the input's default. */
function parseSeriesRates(text, defaultText) {
    const given = text.split(',').map((part) => parseRate(part.trim()));
    const pick = (kind, fallback) => {
        const rates = given.filter((r) => r.kind === kind);
        if (rates.length > 1)
            throw new ConfigError(`gives two ${kind === 'bytes' ? 'heap' : 'goroutine'} rates in "${text}"`);
        if (rates.some((r) => r.per === 'request'))
            throw new ConfigError(`compares growth per time: give a rate such as 256KiB/min or 5/min, got "${text}"`);
        return rates.length ? rates[0].value : fallback();
    };
    return {
        heapBytesPerSec: pick('bytes', () => parseSeriesRates(defaultText, defaultText).heapBytesPerSec),
        goroutinesPerSec: pick('count', () => parseSeriesRates(defaultText, defaultText).goroutinesPerSec)
    };
}
/** Inputs that hold commands or URLs: a token written into them is hidden. */
const FREE_TEXT = [
    'build-command',
    'start-command',
    'load-command',
    'pprof-url',
    'metrics-url',
    'target-url',
    'pushgateway-url'
];
/**
 * The resolved inputs as the user would write them, for report.json. report.json goes
 * into the artifact and the PR comment, which GitHub does not mask as it masks logs: the
 * token is left out, env keeps its names only, and commands and URLs lose what looks like
 * a credential (URL userinfo and queries, bearer tokens, keys).
 */
function describeConfig(raw) {
    const out = {};
    for (const input of INPUTS) {
        if (input.name === 'github-token')
            continue;
        out[input.name] = raw[input.name]?.trim() || input.default;
    }
    out.env = envNamesOnly(out.env);
    for (const name of FREE_TEXT)
        out[name] = redactText(out[name]);
    return out;
}
/**
 * What must never be shown: the token, and env values that are secret by name or by shape.
 * Plain values (ADDR=127.0.0.1:8080) stay readable in logs: hiding them would hide ports.
 */
function secretValues(config) {
    const env = Object.entries(config.env)
        .filter(([name, value]) => isSecretName(name) || redactText(value) !== value)
        .map(([, value]) => value);
    return [config.githubToken, ...env].filter((v) => v !== '' && !v.startsWith('${{'));
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}

/** Keeps a run whose series never moved (standard error 0) from weighing infinitely. */
const MIN_VARIANCE = 1e-12;
function groupSums(runs, tau2, centre) {
    const w = runs.map((r) => 1 / (r.sePerSec ** 2 + MIN_VARIANCE + tau2));
    const sw = w.reduce((a, b) => a + b, 0);
    const known = centre !== 'own-mean';
    const mean = known ? centre.knownMean : runs.reduce((a, r, i) => a + w[i] * r.slopePerSec, 0) / sw;
    return {
        q: runs.reduce((a, r, i) => a + w[i] * (r.slopePerSec - mean) ** 2, 0),
        df: known ? runs.length : runs.length - 1,
        c: known ? sw : sw - w.reduce((a, b) => a + b * b, 0) / sw
    };
}
function pooledSums(groups, tau2, centre) {
    return groups
        .filter((g) => g.length > 0)
        .map((g) => groupSums(g, tau2, centre))
        .reduce((a, b) => ({ q: a.q + b.q, df: a.df + b.df, c: a.c + b.c }), { q: 0, df: 0, c: 0 });
}
/**
 * DerSimonian–Laird τ², units²/s², from groups of runs that each share one true slope (the
 * base's runs, the head's runs): each group has its own mean, and τ is common to all, so
 * the head's and the base's repeats both inform it. null when no group has two runs.
 */
function betweenRunVariance(groups, centre = 'own-mean') {
    const { q, df, c } = pooledSums(groups, 0, centre);
    if (df === 0)
        return null;
    return c > 0 ? Math.max(0, (q - df) / c) : 0;
}
/**
 * The upper bound of τ² at one-sided `confidence`, by the Q-profile method (Viechtbauer
 * 2007): the τ² at which the generalised Q statistic falls to the χ² quantile. A floor
 * must err wide: a point estimate from a handful of runs is often 0. null with df 0.
 */
function betweenRunVarianceUpper(groups, confidence, centre = 'own-mean') {
    const df = pooledSums(groups, 0, centre).df;
    if (df === 0)
        return null;
    const target = chiSquareQuantile(1 - confidence, df);
    const q = (tau2) => pooledSums(groups, tau2, centre).q;
    if (q(0) <= target)
        return 0;
    // Q falls as τ² grows; bracket, then bisect on a log scale.
    let high = Math.max(...groups.flat().map((r) => r.slopePerSec ** 2 + r.sePerSec ** 2), MIN_VARIANCE);
    while (q(high) > target)
        high *= 4;
    let low = 0;
    for (let i = 0; i < 100 && high - low > high * 1e-9; i++) {
        const mid = (low + high) / 2;
        if (q(mid) > target)
            low = mid;
        else
            high = mid;
    }
    return high;
}
/**
 * The p quantile of χ² with `df` degrees of freedom: exact for 1 and 2, where Wilson–Hilferty
 * is not; Wilson–Hilferty above, within ~1% at df ≥ 3 for the lower quantiles used here.
 */
function chiSquareQuantile(p, df) {
    if (df === 1)
        return normalQuantile((1 + p) / 2) ** 2;
    if (df === 2)
        return -2 * Math.log(1 - p);
    const k = 2 / (9 * df);
    return df * Math.max(0, 1 - k + normalQuantile(p) * Math.sqrt(k)) ** 3;
}
/**
 * A/A calibration: pairs of runs of the same code. Each difference has variance
 * v_a + v_b + 2τ², so the spread of the differences beyond their own errors is 2τ².
 */
function pairSpread(pairs, z, floorPerSec, confidence = 0.9) {
    const differences = pairs.map(([a, b]) => ({
        slopePerSec: b.slopePerSec - a.slopePerSec,
        sePerSec: Math.hypot(a.sePerSec, b.sePerSec)
    }));
    const ds = differences.map((d) => d.slopePerSec);
    const mean = ds.reduce((a, b) => a + b, 0) / ds.length;
    const sd = ds.length > 1 ? Math.sqrt(ds.reduce((a, d) => a + (d - mean) ** 2, 0) / (ds.length - 1)) : 0;
    // Runs of the same code: b − a is 0 but for spread, and a steady order effect is part of it.
    const aa = { knownMean: 0 };
    const tau2 = betweenRunVariance([differences], aa) ?? 0;
    const upper = betweenRunVarianceUpper([differences], confidence, aa) ?? 0;
    return {
        differencesPerSec: ds,
        differenceSdPerSec: sd,
        spreadPerSec: Math.sqrt(tau2 / 2),
        spreadUpperPerSec: Math.sqrt(upper / 2),
        confidence,
        excludingZeroWithin: excludingZero(differences, z, 0),
        excludingZeroWithFloor: excludingZero(differences, z, floorPerSec),
        floorPerSec
    };
}
function excludingZero(differences, z, spreadPerSec) {
    return differences.filter((d) => Math.abs(d.slopePerSec) > z * Math.sqrt(d.sePerSec ** 2 + 2 * spreadPerSec ** 2)).length;
}

// Head against base: the difference of their growth rates with an interval that counts
// each run's own error and how much runs of the same code differ, judged by the same rule
// as the absolute limits (judgeAgainst).
/**
 * Head slope minus base slope, and its interval at `z` by MOVER (Zou & Donner 2008): each
 * Theil–Sen half-width stands for `trend.z` standard errors of its slope, the two runs are
 * independent, so half-widths add in quadrature, with the run-to-run variance of the two
 * sides' slopes (`betweenRunVariance`, units²/s²) beside them. The lower bound takes the
 * head's lower half and the base's upper half (the sides that move the difference down),
 * and the other way round for the upper bound, which keeps each interval's own asymmetry.
 */
function slopeDifference(head, base, z = head.z, betweenRunVariance = 0) {
    const diffPerSec = head.slopePerSec - base.slopePerSec;
    const [h, b] = [z / head.z, z / base.z];
    const half = (headHalf, baseHalf) => Math.sqrt((headHalf * h) ** 2 + (baseHalf * b) ** 2 + z * z * betweenRunVariance);
    return {
        diffPerSec,
        ciLow: diffPerSec - half(head.slopePerSec - head.ciLow, base.ciHigh - base.slopePerSec),
        ciHigh: diffPerSec + half(head.ciHigh - head.slopePerSec, base.slopePerSec - base.ciLow)
    };
}
/**
 * A stored baseline ran on another machine or day: a run-to-run spread twice the floor
 * (four times the variance) stands for what the same machine's back-to-back runs do not show.
 */
const STORED_FLOOR_FACTOR = 2;
/** Each measured run of a side: its repeats, or the one run. */
function runEstimates(run, series, factor) {
    const one = (slope, se) => slope === null || slope === undefined || se === null || se === undefined
        ? []
        : [{ slopePerSec: slope * factor, sePerSec: Math.abs(se * factor) }];
    if (run.repeats)
        return run.repeats.flatMap((r) => one(r.slopePerSec[series], r.sePerSec?.[series]));
    const t = run.trends[series];
    return one(t?.slopePerSec, t?.sePerSec);
}
/**
 * τ from the repeats of both sides when there are two a side (DerSimonian–Laird, each side
 * its own mean), never below the floor: two or three runs often spread less than runs do.
 */
function runSpread(head, base, series, factor, o) {
    const [h, b] = [runEstimates(head, series, 1), runEstimates(base, series, factor)];
    const estimated = betweenRunVariance([h, b]);
    const floor = o.floorPerSec[series];
    const fromRepeats = estimated !== null && estimated > floor * floor;
    const headPerSec = fromRepeats ? Math.sqrt(estimated) : floor;
    const basePerSec = o.storedBase ? Math.max(headPerSec, STORED_FLOOR_FACTOR * floor) : headPerSec;
    // A stored base's extra spread (another runner, another day) is shared by all its repeats:
    // it does not average down over them as the same machine's run-to-run spread does.
    const sharedByStoredRuns = basePerSec ** 2 - headPerSec ** 2;
    return {
        headPerSec,
        basePerSec,
        from: fromRepeats ? 'repeats' : 'floor',
        variance: headPerSec ** 2 / Math.max(1, h.length) + headPerSec ** 2 / Math.max(1, b.length) + sharedByStoredRuns
    };
}
/** Rates that differ by more than this are compared per request. */
const RATE_TOLERANCE = 0.05;
/**
 * The factor that puts the base's growth at the head's request rate, when the two sides were
 * driven at rates more than 5% apart (a busy machine slows one side's load): a leak per request
 * grows with the rate, and would otherwise be counted as the change's doing. 1 otherwise.
 */
function rateScale(head, base) {
    const [h, b] = [head.requestsPerSec, base.requestsPerSec];
    if (!h || !b || !Number.isFinite(h) || !Number.isFinite(b))
        return 1;
    return Math.abs(h / b - 1) > RATE_TOLERANCE ? h / b : 1;
}
function scaled(t, factor) {
    if (!t || factor === 1)
        return t;
    const [ciLow, ciHigh] = [t.ciLow * factor, t.ciHigh * factor].sort((x, y) => x - y);
    return {
        ...t,
        slopePerSec: t.slopePerSec * factor,
        ciLow,
        ciHigh,
        lateSlopePerSec: t.lateSlopePerSec * factor,
        sePerSec: t.sePerSec * factor
    };
}
/** Compares every judged series; a series whose increase limit is off is shown, not judged. */
function compareRuns(head, base, maxIncrease, spread) {
    const pairs = head.repeats?.length ?? 1;
    const confidence = twoSidedConfidence(spread.z);
    const comparison = spread.storedBase
        ? { baseline: 'stored', confidence }
        : { baseline: 'merge-base', pairs, order: pairs > 1 ? 'abba' : 'base-head', confidence };
    const judgements = [];
    const factor = rateScale(head, base);
    if (factor !== 1)
        comparison.perRequest = {
            headRequestsPerSec: head.requestsPerSec,
            baseRequestsPerSec: base.requestsPerSec
        };
    for (const series of JUDGED_SERIES) {
        const h = head.trends[series];
        const b = scaled(base.trends[series], factor);
        const limit = maxIncrease[series];
        if (!h || !b) {
            if (limit !== null)
                judgements.push({ outcome: 'inconclusive', rule: 'too-few-samples', series, against: 'base' });
            continue;
        }
        const s = runSpread(head, base, series, factor, spread);
        const c = {
            ...slopeDifference(h, b, spread.z, s.variance),
            limitPerSec: limit,
            runSpreadPerSec: s.headPerSec,
            baseRunSpreadPerSec: s.basePerSec,
            runSpreadFrom: s.from
        };
        comparison[series] = c;
        if (limit === null)
            continue;
        const lateDiff = h.lateSlopePerSec - b.lateSlopePerSec;
        judgements.push({
            ...judgeAgainst(c.ciLow, c.ciHigh, lateDiff, limit),
            series,
            against: 'base',
            estimatePerSec: c.diffPerSec,
            lowPerSec: c.ciLow,
            highPerSec: c.ciHigh,
            latePerSec: lateDiff,
            limitPerSec: limit,
            confidence,
            headPerSec: h.slopePerSec,
            basePerSec: b.slopePerSec
        });
    }
    const fresh = head.attribution && base.attribution ? newInHead(head.attribution, base.attribution) : [];
    if (fresh.length)
        comparison.newInHead = fresh;
    return { comparison, judgements };
}
/**
 * The z of head − base: judged after `repeats` pairs and after each pair added up to
 * `maxRepeats`, so α per side is split over those checkpoints as the looks split theirs.
 */
function comparisonZ(repeats, maxRepeats) {
    return lookZ(Math.max(1, maxRepeats - repeats + 1));
}
/** One more pair helps when head − base is all that keeps the verdict from being decided. */
function needsAnotherPair(judgements) {
    return (!judgements.some((j) => j.outcome === 'fail') &&
        judgements.some((j) => j.against === 'base' && j.outcome === 'inconclusive' && j.rule !== 'too-few-samples'));
}
/**
 * Series the base itself grows in, judged by the same rule against the absolute limit,
 * or the allowed increase when that limit is off: a head that grows as fast passes the
 * comparison, and the reader must learn that the leak predates it.
 */
function baseGrowth(base, absolute, maxIncrease) {
    return JUDGED_SERIES.flatMap((series) => {
        const t = base.trends[series];
        const limit = absolute[series];
        const threshold = limit ? limitPerSec(limit, base.requestsPerSec) : maxIncrease[series];
        if (!t || threshold === null)
            return [];
        if (judgeAgainst(t.ciLow, t.ciHigh, t.lateSlopePerSec, threshold).outcome !== 'fail')
            return [];
        return [{ series, trend: t, ...(base.ref ? { ref: base.ref } : {}) }];
    });
}
/** When nothing was judged the gate must not pass by default: it says why it cannot tell. */
function nothingJudged(baselineMissing) {
    return { outcome: 'inconclusive', rule: 'nothing-judged', series: null, against: 'limit', baselineMissing };
}
/**
 * Functions that grow in the head but not in the base: the growth this change brings.
 * Matched by function name, since file paths differ between the two checkouts and line
 * numbers shift between commits.
 */
function newInHead(head, base) {
    const growing = (a) => [
        // Goroutine records stand for the goroutines listed below, not for a line.
        ...a.heap.filter((s) => !s.withinNoise && !s.kind).map((s) => s.function),
        ...a.goroutines.filter((g) => g.countGrowth > 0).map((g) => g.function)
    ];
    const before = new Set(growing(base));
    return [...new Set(growing(head))].filter((f) => !before.has(f));
}

var ajv = {exports: {}};

var core$1 = {};

var validate = {};

var boolSchema = {};

var errors = {};

var codegen = {};

var code$2 = {};

var hasRequiredCode$1;

function requireCode$1 () {
	if (hasRequiredCode$1) return code$2;
	hasRequiredCode$1 = 1;
	(function (exports) {
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.regexpCode = exports.getEsmExportName = exports.getProperty = exports.safeStringify = exports.stringify = exports.strConcat = exports.addCodeArg = exports.str = exports._ = exports.nil = exports._Code = exports.Name = exports.IDENTIFIER = exports._CodeOrName = void 0;
		// eslint-disable-next-line @typescript-eslint/no-extraneous-class
		class _CodeOrName {
		}
		exports._CodeOrName = _CodeOrName;
		exports.IDENTIFIER = /^[a-z$_][a-z$_0-9]*$/i;
		class Name extends _CodeOrName {
		    constructor(s) {
		        super();
		        if (!exports.IDENTIFIER.test(s))
		            throw new Error("CodeGen: name must be a valid identifier");
		        this.str = s;
		    }
		    toString() {
		        return this.str;
		    }
		    emptyStr() {
		        return false;
		    }
		    get names() {
		        return { [this.str]: 1 };
		    }
		}
		exports.Name = Name;
		class _Code extends _CodeOrName {
		    constructor(code) {
		        super();
		        this._items = typeof code === "string" ? [code] : code;
		    }
		    toString() {
		        return this.str;
		    }
		    emptyStr() {
		        if (this._items.length > 1)
		            return false;
		        const item = this._items[0];
		        return item === "" || item === '""';
		    }
		    get str() {
		        var _a;
		        return ((_a = this._str) !== null && _a !== void 0 ? _a : (this._str = this._items.reduce((s, c) => `${s}${c}`, "")));
		    }
		    get names() {
		        var _a;
		        return ((_a = this._names) !== null && _a !== void 0 ? _a : (this._names = this._items.reduce((names, c) => {
		            if (c instanceof Name)
		                names[c.str] = (names[c.str] || 0) + 1;
		            return names;
		        }, {})));
		    }
		}
		exports._Code = _Code;
		exports.nil = new _Code("");
		function _(strs, ...args) {
		    const code = [strs[0]];
		    let i = 0;
		    while (i < args.length) {
		        addCodeArg(code, args[i]);
		        code.push(strs[++i]);
		    }
		    return new _Code(code);
		}
		exports._ = _;
		const plus = new _Code("+");
		function str(strs, ...args) {
		    const expr = [safeStringify(strs[0])];
		    let i = 0;
		    while (i < args.length) {
		        expr.push(plus);
		        addCodeArg(expr, args[i]);
		        expr.push(plus, safeStringify(strs[++i]));
		    }
		    optimize(expr);
		    return new _Code(expr);
		}
		exports.str = str;
		function addCodeArg(code, arg) {
		    if (arg instanceof _Code)
		        code.push(...arg._items);
		    else if (arg instanceof Name)
		        code.push(arg);
		    else
		        code.push(interpolate(arg));
		}
		exports.addCodeArg = addCodeArg;
		function optimize(expr) {
		    let i = 1;
		    while (i < expr.length - 1) {
		        if (expr[i] === plus) {
		            const res = mergeExprItems(expr[i - 1], expr[i + 1]);
		            if (res !== undefined) {
		                expr.splice(i - 1, 3, res);
		                continue;
		            }
		            expr[i++] = "+";
		        }
		        i++;
		    }
		}
		function mergeExprItems(a, b) {
		    if (b === '""')
		        return a;
		    if (a === '""')
		        return b;
		    if (typeof a == "string") {
		        if (b instanceof Name || a[a.length - 1] !== '"')
		            return;
		        if (typeof b != "string")
		            return `${a.slice(0, -1)}${b}"`;
		        if (b[0] === '"')
		            return a.slice(0, -1) + b.slice(1);
		        return;
		    }
		    if (typeof b == "string" && b[0] === '"' && !(a instanceof Name))
		        return `"${a}${b.slice(1)}`;
		    return;
		}
		function strConcat(c1, c2) {
		    return c2.emptyStr() ? c1 : c1.emptyStr() ? c2 : str `${c1}${c2}`;
		}
		exports.strConcat = strConcat;
		// TODO do not allow arrays here
		function interpolate(x) {
		    return typeof x == "number" || typeof x == "boolean" || x === null
		        ? x
		        : safeStringify(Array.isArray(x) ? x.join(",") : x);
		}
		function stringify(x) {
		    return new _Code(safeStringify(x));
		}
		exports.stringify = stringify;
		function safeStringify(x) {
		    return JSON.stringify(x)
		        .replace(/\u2028/g, "\\u2028")
		        .replace(/\u2029/g, "\\u2029");
		}
		exports.safeStringify = safeStringify;
		function getProperty(key) {
		    return typeof key == "string" && exports.IDENTIFIER.test(key) ? new _Code(`.${key}`) : _ `[${key}]`;
		}
		exports.getProperty = getProperty;
		//Does best effort to format the name properly
		function getEsmExportName(key) {
		    if (typeof key == "string" && exports.IDENTIFIER.test(key)) {
		        return new _Code(`${key}`);
		    }
		    throw new Error(`CodeGen: invalid export name: ${key}, use explicit $id name mapping`);
		}
		exports.getEsmExportName = getEsmExportName;
		function regexpCode(rx) {
		    return new _Code(rx.toString());
		}
		exports.regexpCode = regexpCode;
		
	} (code$2));
	return code$2;
}

var scope = {};

var hasRequiredScope;

function requireScope () {
	if (hasRequiredScope) return scope;
	hasRequiredScope = 1;
	(function (exports) {
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.ValueScope = exports.ValueScopeName = exports.Scope = exports.varKinds = exports.UsedValueState = void 0;
		const code_1 = /*@__PURE__*/ requireCode$1();
		class ValueError extends Error {
		    constructor(name) {
		        super(`CodeGen: "code" for ${name} not defined`);
		        this.value = name.value;
		    }
		}
		var UsedValueState;
		(function (UsedValueState) {
		    UsedValueState[UsedValueState["Started"] = 0] = "Started";
		    UsedValueState[UsedValueState["Completed"] = 1] = "Completed";
		})(UsedValueState || (exports.UsedValueState = UsedValueState = {}));
		exports.varKinds = {
		    const: new code_1.Name("const"),
		    let: new code_1.Name("let"),
		    var: new code_1.Name("var"),
		};
		class Scope {
		    constructor({ prefixes, parent } = {}) {
		        this._names = {};
		        this._prefixes = prefixes;
		        this._parent = parent;
		    }
		    toName(nameOrPrefix) {
		        return nameOrPrefix instanceof code_1.Name ? nameOrPrefix : this.name(nameOrPrefix);
		    }
		    name(prefix) {
		        return new code_1.Name(this._newName(prefix));
		    }
		    _newName(prefix) {
		        const ng = this._names[prefix] || this._nameGroup(prefix);
		        return `${prefix}${ng.index++}`;
		    }
		    _nameGroup(prefix) {
		        var _a, _b;
		        if (((_b = (_a = this._parent) === null || _a === void 0 ? void 0 : _a._prefixes) === null || _b === void 0 ? void 0 : _b.has(prefix)) || (this._prefixes && !this._prefixes.has(prefix))) {
		            throw new Error(`CodeGen: prefix "${prefix}" is not allowed in this scope`);
		        }
		        return (this._names[prefix] = { prefix, index: 0 });
		    }
		}
		exports.Scope = Scope;
		class ValueScopeName extends code_1.Name {
		    constructor(prefix, nameStr) {
		        super(nameStr);
		        this.prefix = prefix;
		    }
		    setValue(value, { property, itemIndex }) {
		        this.value = value;
		        this.scopePath = (0, code_1._) `.${new code_1.Name(property)}[${itemIndex}]`;
		    }
		}
		exports.ValueScopeName = ValueScopeName;
		const line = (0, code_1._) `\n`;
		class ValueScope extends Scope {
		    constructor(opts) {
		        super(opts);
		        this._values = {};
		        this._scope = opts.scope;
		        this.opts = { ...opts, _n: opts.lines ? line : code_1.nil };
		    }
		    get() {
		        return this._scope;
		    }
		    name(prefix) {
		        return new ValueScopeName(prefix, this._newName(prefix));
		    }
		    value(nameOrPrefix, value) {
		        var _a;
		        if (value.ref === undefined)
		            throw new Error("CodeGen: ref must be passed in value");
		        const name = this.toName(nameOrPrefix);
		        const { prefix } = name;
		        const valueKey = (_a = value.key) !== null && _a !== void 0 ? _a : value.ref;
		        let vs = this._values[prefix];
		        if (vs) {
		            const _name = vs.get(valueKey);
		            if (_name)
		                return _name;
		        }
		        else {
		            vs = this._values[prefix] = new Map();
		        }
		        vs.set(valueKey, name);
		        const s = this._scope[prefix] || (this._scope[prefix] = []);
		        const itemIndex = s.length;
		        s[itemIndex] = value.ref;
		        name.setValue(value, { property: prefix, itemIndex });
		        return name;
		    }
		    getValue(prefix, keyOrRef) {
		        const vs = this._values[prefix];
		        if (!vs)
		            return;
		        return vs.get(keyOrRef);
		    }
		    scopeRefs(scopeName, values = this._values) {
		        return this._reduceValues(values, (name) => {
		            if (name.scopePath === undefined)
		                throw new Error(`CodeGen: name "${name}" has no value`);
		            return (0, code_1._) `${scopeName}${name.scopePath}`;
		        });
		    }
		    scopeCode(values = this._values, usedValues, getCode) {
		        return this._reduceValues(values, (name) => {
		            if (name.value === undefined)
		                throw new Error(`CodeGen: name "${name}" has no value`);
		            return name.value.code;
		        }, usedValues, getCode);
		    }
		    _reduceValues(values, valueCode, usedValues = {}, getCode) {
		        let code = code_1.nil;
		        for (const prefix in values) {
		            const vs = values[prefix];
		            if (!vs)
		                continue;
		            const nameSet = (usedValues[prefix] = usedValues[prefix] || new Map());
		            vs.forEach((name) => {
		                if (nameSet.has(name))
		                    return;
		                nameSet.set(name, UsedValueState.Started);
		                let c = valueCode(name);
		                if (c) {
		                    const def = this.opts.es5 ? exports.varKinds.var : exports.varKinds.const;
		                    code = (0, code_1._) `${code}${def} ${name} = ${c};${this.opts._n}`;
		                }
		                else if ((c = getCode === null || getCode === void 0 ? void 0 : getCode(name))) {
		                    code = (0, code_1._) `${code}${c}${this.opts._n}`;
		                }
		                else {
		                    throw new ValueError(name);
		                }
		                nameSet.set(name, UsedValueState.Completed);
		            });
		        }
		        return code;
		    }
		}
		exports.ValueScope = ValueScope;
		
	} (scope));
	return scope;
}

var hasRequiredCodegen;

function requireCodegen () {
	if (hasRequiredCodegen) return codegen;
	hasRequiredCodegen = 1;
	(function (exports) {
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.or = exports.and = exports.not = exports.CodeGen = exports.operators = exports.varKinds = exports.ValueScopeName = exports.ValueScope = exports.Scope = exports.Name = exports.regexpCode = exports.stringify = exports.getProperty = exports.nil = exports.strConcat = exports.str = exports._ = void 0;
		const code_1 = /*@__PURE__*/ requireCode$1();
		const scope_1 = /*@__PURE__*/ requireScope();
		var code_2 = /*@__PURE__*/ requireCode$1();
		Object.defineProperty(exports, "_", { enumerable: true, get: function () { return code_2._; } });
		Object.defineProperty(exports, "str", { enumerable: true, get: function () { return code_2.str; } });
		Object.defineProperty(exports, "strConcat", { enumerable: true, get: function () { return code_2.strConcat; } });
		Object.defineProperty(exports, "nil", { enumerable: true, get: function () { return code_2.nil; } });
		Object.defineProperty(exports, "getProperty", { enumerable: true, get: function () { return code_2.getProperty; } });
		Object.defineProperty(exports, "stringify", { enumerable: true, get: function () { return code_2.stringify; } });
		Object.defineProperty(exports, "regexpCode", { enumerable: true, get: function () { return code_2.regexpCode; } });
		Object.defineProperty(exports, "Name", { enumerable: true, get: function () { return code_2.Name; } });
		var scope_2 = /*@__PURE__*/ requireScope();
		Object.defineProperty(exports, "Scope", { enumerable: true, get: function () { return scope_2.Scope; } });
		Object.defineProperty(exports, "ValueScope", { enumerable: true, get: function () { return scope_2.ValueScope; } });
		Object.defineProperty(exports, "ValueScopeName", { enumerable: true, get: function () { return scope_2.ValueScopeName; } });
		Object.defineProperty(exports, "varKinds", { enumerable: true, get: function () { return scope_2.varKinds; } });
		exports.operators = {
		    GT: new code_1._Code(">"),
		    GTE: new code_1._Code(">="),
		    LT: new code_1._Code("<"),
		    LTE: new code_1._Code("<="),
		    EQ: new code_1._Code("==="),
		    NEQ: new code_1._Code("!=="),
		    NOT: new code_1._Code("!"),
		    OR: new code_1._Code("||"),
		    AND: new code_1._Code("&&"),
		    ADD: new code_1._Code("+"),
		};
		class Node {
		    optimizeNodes() {
		        return this;
		    }
		    optimizeNames(_names, _constants) {
		        return this;
		    }
		}
		class Def extends Node {
		    constructor(varKind, name, rhs) {
		        super();
		        this.varKind = varKind;
		        this.name = name;
		        this.rhs = rhs;
		    }
		    render({ es5, _n }) {
		        const varKind = es5 ? scope_1.varKinds.var : this.varKind;
		        const rhs = this.rhs === undefined ? "" : ` = ${this.rhs}`;
		        return `${varKind} ${this.name}${rhs};` + _n;
		    }
		    optimizeNames(names, constants) {
		        if (!names[this.name.str])
		            return;
		        if (this.rhs)
		            this.rhs = optimizeExpr(this.rhs, names, constants);
		        return this;
		    }
		    get names() {
		        return this.rhs instanceof code_1._CodeOrName ? this.rhs.names : {};
		    }
		}
		class Assign extends Node {
		    constructor(lhs, rhs, sideEffects) {
		        super();
		        this.lhs = lhs;
		        this.rhs = rhs;
		        this.sideEffects = sideEffects;
		    }
		    render({ _n }) {
		        return `${this.lhs} = ${this.rhs};` + _n;
		    }
		    optimizeNames(names, constants) {
		        if (this.lhs instanceof code_1.Name && !names[this.lhs.str] && !this.sideEffects)
		            return;
		        this.rhs = optimizeExpr(this.rhs, names, constants);
		        return this;
		    }
		    get names() {
		        const names = this.lhs instanceof code_1.Name ? {} : { ...this.lhs.names };
		        return addExprNames(names, this.rhs);
		    }
		}
		class AssignOp extends Assign {
		    constructor(lhs, op, rhs, sideEffects) {
		        super(lhs, rhs, sideEffects);
		        this.op = op;
		    }
		    render({ _n }) {
		        return `${this.lhs} ${this.op}= ${this.rhs};` + _n;
		    }
		}
		class Label extends Node {
		    constructor(label) {
		        super();
		        this.label = label;
		        this.names = {};
		    }
		    render({ _n }) {
		        return `${this.label}:` + _n;
		    }
		}
		class Break extends Node {
		    constructor(label) {
		        super();
		        this.label = label;
		        this.names = {};
		    }
		    render({ _n }) {
		        const label = this.label ? ` ${this.label}` : "";
		        return `break${label};` + _n;
		    }
		}
		class Throw extends Node {
		    constructor(error) {
		        super();
		        this.error = error;
		    }
		    render({ _n }) {
		        return `throw ${this.error};` + _n;
		    }
		    get names() {
		        return this.error.names;
		    }
		}
		class AnyCode extends Node {
		    constructor(code) {
		        super();
		        this.code = code;
		    }
		    render({ _n }) {
		        return `${this.code};` + _n;
		    }
		    optimizeNodes() {
		        return `${this.code}` ? this : undefined;
		    }
		    optimizeNames(names, constants) {
		        this.code = optimizeExpr(this.code, names, constants);
		        return this;
		    }
		    get names() {
		        return this.code instanceof code_1._CodeOrName ? this.code.names : {};
		    }
		}
		class ParentNode extends Node {
		    constructor(nodes = []) {
		        super();
		        this.nodes = nodes;
		    }
		    render(opts) {
		        return this.nodes.reduce((code, n) => code + n.render(opts), "");
		    }
		    optimizeNodes() {
		        const { nodes } = this;
		        let i = nodes.length;
		        while (i--) {
		            const n = nodes[i].optimizeNodes();
		            if (Array.isArray(n))
		                nodes.splice(i, 1, ...n);
		            else if (n)
		                nodes[i] = n;
		            else
		                nodes.splice(i, 1);
		        }
		        return nodes.length > 0 ? this : undefined;
		    }
		    optimizeNames(names, constants) {
		        const { nodes } = this;
		        let i = nodes.length;
		        while (i--) {
		            // iterating backwards improves 1-pass optimization
		            const n = nodes[i];
		            if (n.optimizeNames(names, constants))
		                continue;
		            subtractNames(names, n.names);
		            nodes.splice(i, 1);
		        }
		        return nodes.length > 0 ? this : undefined;
		    }
		    get names() {
		        return this.nodes.reduce((names, n) => addNames(names, n.names), {});
		    }
		}
		class BlockNode extends ParentNode {
		    render(opts) {
		        return "{" + opts._n + super.render(opts) + "}" + opts._n;
		    }
		}
		class Root extends ParentNode {
		}
		class Else extends BlockNode {
		}
		Else.kind = "else";
		class If extends BlockNode {
		    constructor(condition, nodes) {
		        super(nodes);
		        this.condition = condition;
		    }
		    render(opts) {
		        let code = `if(${this.condition})` + super.render(opts);
		        if (this.else)
		            code += "else " + this.else.render(opts);
		        return code;
		    }
		    optimizeNodes() {
		        super.optimizeNodes();
		        const cond = this.condition;
		        if (cond === true)
		            return this.nodes; // else is ignored here
		        let e = this.else;
		        if (e) {
		            const ns = e.optimizeNodes();
		            e = this.else = Array.isArray(ns) ? new Else(ns) : ns;
		        }
		        if (e) {
		            if (cond === false)
		                return e instanceof If ? e : e.nodes;
		            if (this.nodes.length)
		                return this;
		            return new If(not(cond), e instanceof If ? [e] : e.nodes);
		        }
		        if (cond === false || !this.nodes.length)
		            return undefined;
		        return this;
		    }
		    optimizeNames(names, constants) {
		        var _a;
		        this.else = (_a = this.else) === null || _a === void 0 ? void 0 : _a.optimizeNames(names, constants);
		        if (!(super.optimizeNames(names, constants) || this.else))
		            return;
		        this.condition = optimizeExpr(this.condition, names, constants);
		        return this;
		    }
		    get names() {
		        const names = super.names;
		        addExprNames(names, this.condition);
		        if (this.else)
		            addNames(names, this.else.names);
		        return names;
		    }
		}
		If.kind = "if";
		class For extends BlockNode {
		}
		For.kind = "for";
		class ForLoop extends For {
		    constructor(iteration) {
		        super();
		        this.iteration = iteration;
		    }
		    render(opts) {
		        return `for(${this.iteration})` + super.render(opts);
		    }
		    optimizeNames(names, constants) {
		        if (!super.optimizeNames(names, constants))
		            return;
		        this.iteration = optimizeExpr(this.iteration, names, constants);
		        return this;
		    }
		    get names() {
		        return addNames(super.names, this.iteration.names);
		    }
		}
		class ForRange extends For {
		    constructor(varKind, name, from, to) {
		        super();
		        this.varKind = varKind;
		        this.name = name;
		        this.from = from;
		        this.to = to;
		    }
		    render(opts) {
		        const varKind = opts.es5 ? scope_1.varKinds.var : this.varKind;
		        const { name, from, to } = this;
		        return `for(${varKind} ${name}=${from}; ${name}<${to}; ${name}++)` + super.render(opts);
		    }
		    get names() {
		        const names = addExprNames(super.names, this.from);
		        return addExprNames(names, this.to);
		    }
		}
		class ForIter extends For {
		    constructor(loop, varKind, name, iterable) {
		        super();
		        this.loop = loop;
		        this.varKind = varKind;
		        this.name = name;
		        this.iterable = iterable;
		    }
		    render(opts) {
		        return `for(${this.varKind} ${this.name} ${this.loop} ${this.iterable})` + super.render(opts);
		    }
		    optimizeNames(names, constants) {
		        if (!super.optimizeNames(names, constants))
		            return;
		        this.iterable = optimizeExpr(this.iterable, names, constants);
		        return this;
		    }
		    get names() {
		        return addNames(super.names, this.iterable.names);
		    }
		}
		class Func extends BlockNode {
		    constructor(name, args, async) {
		        super();
		        this.name = name;
		        this.args = args;
		        this.async = async;
		    }
		    render(opts) {
		        const _async = this.async ? "async " : "";
		        return `${_async}function ${this.name}(${this.args})` + super.render(opts);
		    }
		}
		Func.kind = "func";
		class Return extends ParentNode {
		    render(opts) {
		        return "return " + super.render(opts);
		    }
		}
		Return.kind = "return";
		class Try extends BlockNode {
		    render(opts) {
		        let code = "try" + super.render(opts);
		        if (this.catch)
		            code += this.catch.render(opts);
		        if (this.finally)
		            code += this.finally.render(opts);
		        return code;
		    }
		    optimizeNodes() {
		        var _a, _b;
		        super.optimizeNodes();
		        (_a = this.catch) === null || _a === void 0 ? void 0 : _a.optimizeNodes();
		        (_b = this.finally) === null || _b === void 0 ? void 0 : _b.optimizeNodes();
		        return this;
		    }
		    optimizeNames(names, constants) {
		        var _a, _b;
		        super.optimizeNames(names, constants);
		        (_a = this.catch) === null || _a === void 0 ? void 0 : _a.optimizeNames(names, constants);
		        (_b = this.finally) === null || _b === void 0 ? void 0 : _b.optimizeNames(names, constants);
		        return this;
		    }
		    get names() {
		        const names = super.names;
		        if (this.catch)
		            addNames(names, this.catch.names);
		        if (this.finally)
		            addNames(names, this.finally.names);
		        return names;
		    }
		}
		class Catch extends BlockNode {
		    constructor(error) {
		        super();
		        this.error = error;
		    }
		    render(opts) {
		        return `catch(${this.error})` + super.render(opts);
		    }
		}
		Catch.kind = "catch";
		class Finally extends BlockNode {
		    render(opts) {
		        return "finally" + super.render(opts);
		    }
		}
		Finally.kind = "finally";
		class CodeGen {
		    constructor(extScope, opts = {}) {
		        this._values = {};
		        this._blockStarts = [];
		        this._constants = {};
		        this.opts = { ...opts, _n: opts.lines ? "\n" : "" };
		        this._extScope = extScope;
		        this._scope = new scope_1.Scope({ parent: extScope });
		        this._nodes = [new Root()];
		    }
		    toString() {
		        return this._root.render(this.opts);
		    }
		    // returns unique name in the internal scope
		    name(prefix) {
		        return this._scope.name(prefix);
		    }
		    // reserves unique name in the external scope
		    scopeName(prefix) {
		        return this._extScope.name(prefix);
		    }
		    // reserves unique name in the external scope and assigns value to it
		    scopeValue(prefixOrName, value) {
		        const name = this._extScope.value(prefixOrName, value);
		        const vs = this._values[name.prefix] || (this._values[name.prefix] = new Set());
		        vs.add(name);
		        return name;
		    }
		    getScopeValue(prefix, keyOrRef) {
		        return this._extScope.getValue(prefix, keyOrRef);
		    }
		    // return code that assigns values in the external scope to the names that are used internally
		    // (same names that were returned by gen.scopeName or gen.scopeValue)
		    scopeRefs(scopeName) {
		        return this._extScope.scopeRefs(scopeName, this._values);
		    }
		    scopeCode() {
		        return this._extScope.scopeCode(this._values);
		    }
		    _def(varKind, nameOrPrefix, rhs, constant) {
		        const name = this._scope.toName(nameOrPrefix);
		        if (rhs !== undefined && constant)
		            this._constants[name.str] = rhs;
		        this._leafNode(new Def(varKind, name, rhs));
		        return name;
		    }
		    // `const` declaration (`var` in es5 mode)
		    const(nameOrPrefix, rhs, _constant) {
		        return this._def(scope_1.varKinds.const, nameOrPrefix, rhs, _constant);
		    }
		    // `let` declaration with optional assignment (`var` in es5 mode)
		    let(nameOrPrefix, rhs, _constant) {
		        return this._def(scope_1.varKinds.let, nameOrPrefix, rhs, _constant);
		    }
		    // `var` declaration with optional assignment
		    var(nameOrPrefix, rhs, _constant) {
		        return this._def(scope_1.varKinds.var, nameOrPrefix, rhs, _constant);
		    }
		    // assignment code
		    assign(lhs, rhs, sideEffects) {
		        return this._leafNode(new Assign(lhs, rhs, sideEffects));
		    }
		    // `+=` code
		    add(lhs, rhs) {
		        return this._leafNode(new AssignOp(lhs, exports.operators.ADD, rhs));
		    }
		    // appends passed SafeExpr to code or executes Block
		    code(c) {
		        if (typeof c == "function")
		            c();
		        else if (c !== code_1.nil)
		            this._leafNode(new AnyCode(c));
		        return this;
		    }
		    // returns code for object literal for the passed argument list of key-value pairs
		    object(...keyValues) {
		        const code = ["{"];
		        for (const [key, value] of keyValues) {
		            if (code.length > 1)
		                code.push(",");
		            code.push(key);
		            if (key !== value || this.opts.es5) {
		                code.push(":");
		                (0, code_1.addCodeArg)(code, value);
		            }
		        }
		        code.push("}");
		        return new code_1._Code(code);
		    }
		    // `if` clause (or statement if `thenBody` and, optionally, `elseBody` are passed)
		    if(condition, thenBody, elseBody) {
		        this._blockNode(new If(condition));
		        if (thenBody && elseBody) {
		            this.code(thenBody).else().code(elseBody).endIf();
		        }
		        else if (thenBody) {
		            this.code(thenBody).endIf();
		        }
		        else if (elseBody) {
		            throw new Error('CodeGen: "else" body without "then" body');
		        }
		        return this;
		    }
		    // `else if` clause - invalid without `if` or after `else` clauses
		    elseIf(condition) {
		        return this._elseNode(new If(condition));
		    }
		    // `else` clause - only valid after `if` or `else if` clauses
		    else() {
		        return this._elseNode(new Else());
		    }
		    // end `if` statement (needed if gen.if was used only with condition)
		    endIf() {
		        return this._endBlockNode(If, Else);
		    }
		    _for(node, forBody) {
		        this._blockNode(node);
		        if (forBody)
		            this.code(forBody).endFor();
		        return this;
		    }
		    // a generic `for` clause (or statement if `forBody` is passed)
		    for(iteration, forBody) {
		        return this._for(new ForLoop(iteration), forBody);
		    }
		    // `for` statement for a range of values
		    forRange(nameOrPrefix, from, to, forBody, varKind = this.opts.es5 ? scope_1.varKinds.var : scope_1.varKinds.let) {
		        const name = this._scope.toName(nameOrPrefix);
		        return this._for(new ForRange(varKind, name, from, to), () => forBody(name));
		    }
		    // `for-of` statement (in es5 mode replace with a normal for loop)
		    forOf(nameOrPrefix, iterable, forBody, varKind = scope_1.varKinds.const) {
		        const name = this._scope.toName(nameOrPrefix);
		        if (this.opts.es5) {
		            const arr = iterable instanceof code_1.Name ? iterable : this.var("_arr", iterable);
		            return this.forRange("_i", 0, (0, code_1._) `${arr}.length`, (i) => {
		                this.var(name, (0, code_1._) `${arr}[${i}]`);
		                forBody(name);
		            });
		        }
		        return this._for(new ForIter("of", varKind, name, iterable), () => forBody(name));
		    }
		    // `for-in` statement.
		    // With option `ownProperties` replaced with a `for-of` loop for object keys
		    forIn(nameOrPrefix, obj, forBody, varKind = this.opts.es5 ? scope_1.varKinds.var : scope_1.varKinds.const) {
		        if (this.opts.ownProperties) {
		            return this.forOf(nameOrPrefix, (0, code_1._) `Object.keys(${obj})`, forBody);
		        }
		        const name = this._scope.toName(nameOrPrefix);
		        return this._for(new ForIter("in", varKind, name, obj), () => forBody(name));
		    }
		    // end `for` loop
		    endFor() {
		        return this._endBlockNode(For);
		    }
		    // `label` statement
		    label(label) {
		        return this._leafNode(new Label(label));
		    }
		    // `break` statement
		    break(label) {
		        return this._leafNode(new Break(label));
		    }
		    // `return` statement
		    return(value) {
		        const node = new Return();
		        this._blockNode(node);
		        this.code(value);
		        if (node.nodes.length !== 1)
		            throw new Error('CodeGen: "return" should have one node');
		        return this._endBlockNode(Return);
		    }
		    // `try` statement
		    try(tryBody, catchCode, finallyCode) {
		        if (!catchCode && !finallyCode)
		            throw new Error('CodeGen: "try" without "catch" and "finally"');
		        const node = new Try();
		        this._blockNode(node);
		        this.code(tryBody);
		        if (catchCode) {
		            const error = this.name("e");
		            this._currNode = node.catch = new Catch(error);
		            catchCode(error);
		        }
		        if (finallyCode) {
		            this._currNode = node.finally = new Finally();
		            this.code(finallyCode);
		        }
		        return this._endBlockNode(Catch, Finally);
		    }
		    // `throw` statement
		    throw(error) {
		        return this._leafNode(new Throw(error));
		    }
		    // start self-balancing block
		    block(body, nodeCount) {
		        this._blockStarts.push(this._nodes.length);
		        if (body)
		            this.code(body).endBlock(nodeCount);
		        return this;
		    }
		    // end the current self-balancing block
		    endBlock(nodeCount) {
		        const len = this._blockStarts.pop();
		        if (len === undefined)
		            throw new Error("CodeGen: not in self-balancing block");
		        const toClose = this._nodes.length - len;
		        if (toClose < 0 || (nodeCount !== undefined && toClose !== nodeCount)) {
		            throw new Error(`CodeGen: wrong number of nodes: ${toClose} vs ${nodeCount} expected`);
		        }
		        this._nodes.length = len;
		        return this;
		    }
		    // `function` heading (or definition if funcBody is passed)
		    func(name, args = code_1.nil, async, funcBody) {
		        this._blockNode(new Func(name, args, async));
		        if (funcBody)
		            this.code(funcBody).endFunc();
		        return this;
		    }
		    // end function definition
		    endFunc() {
		        return this._endBlockNode(Func);
		    }
		    optimize(n = 1) {
		        while (n-- > 0) {
		            this._root.optimizeNodes();
		            this._root.optimizeNames(this._root.names, this._constants);
		        }
		    }
		    _leafNode(node) {
		        this._currNode.nodes.push(node);
		        return this;
		    }
		    _blockNode(node) {
		        this._currNode.nodes.push(node);
		        this._nodes.push(node);
		    }
		    _endBlockNode(N1, N2) {
		        const n = this._currNode;
		        if (n instanceof N1 || (N2 && n instanceof N2)) {
		            this._nodes.pop();
		            return this;
		        }
		        throw new Error(`CodeGen: not in block "${N2 ? `${N1.kind}/${N2.kind}` : N1.kind}"`);
		    }
		    _elseNode(node) {
		        const n = this._currNode;
		        if (!(n instanceof If)) {
		            throw new Error('CodeGen: "else" without "if"');
		        }
		        this._currNode = n.else = node;
		        return this;
		    }
		    get _root() {
		        return this._nodes[0];
		    }
		    get _currNode() {
		        const ns = this._nodes;
		        return ns[ns.length - 1];
		    }
		    set _currNode(node) {
		        const ns = this._nodes;
		        ns[ns.length - 1] = node;
		    }
		}
		exports.CodeGen = CodeGen;
		function addNames(names, from) {
		    for (const n in from)
		        names[n] = (names[n] || 0) + (from[n] || 0);
		    return names;
		}
		function addExprNames(names, from) {
		    return from instanceof code_1._CodeOrName ? addNames(names, from.names) : names;
		}
		function optimizeExpr(expr, names, constants) {
		    if (expr instanceof code_1.Name)
		        return replaceName(expr);
		    if (!canOptimize(expr))
		        return expr;
		    return new code_1._Code(expr._items.reduce((items, c) => {
		        if (c instanceof code_1.Name)
		            c = replaceName(c);
		        if (c instanceof code_1._Code)
		            items.push(...c._items);
		        else
		            items.push(c);
		        return items;
		    }, []));
		    function replaceName(n) {
		        const c = constants[n.str];
		        if (c === undefined || names[n.str] !== 1)
		            return n;
		        delete names[n.str];
		        return c;
		    }
		    function canOptimize(e) {
		        return (e instanceof code_1._Code &&
		            e._items.some((c) => c instanceof code_1.Name && names[c.str] === 1 && constants[c.str] !== undefined));
		    }
		}
		function subtractNames(names, from) {
		    for (const n in from)
		        names[n] = (names[n] || 0) - (from[n] || 0);
		}
		function not(x) {
		    return typeof x == "boolean" || typeof x == "number" || x === null ? !x : (0, code_1._) `!${par(x)}`;
		}
		exports.not = not;
		const andCode = mappend(exports.operators.AND);
		// boolean AND (&&) expression with the passed arguments
		function and(...args) {
		    return args.reduce(andCode);
		}
		exports.and = and;
		const orCode = mappend(exports.operators.OR);
		// boolean OR (||) expression with the passed arguments
		function or(...args) {
		    return args.reduce(orCode);
		}
		exports.or = or;
		function mappend(op) {
		    return (x, y) => (x === code_1.nil ? y : y === code_1.nil ? x : (0, code_1._) `${par(x)} ${op} ${par(y)}`);
		}
		function par(x) {
		    return x instanceof code_1.Name ? x : (0, code_1._) `(${x})`;
		}
		
	} (codegen));
	return codegen;
}

var util$1 = {};

var hasRequiredUtil$1;

function requireUtil$1 () {
	if (hasRequiredUtil$1) return util$1;
	hasRequiredUtil$1 = 1;
	Object.defineProperty(util$1, "__esModule", { value: true });
	util$1.checkStrictMode = util$1.getErrorPath = util$1.Type = util$1.useFunc = util$1.setEvaluated = util$1.evaluatedPropsToName = util$1.mergeEvaluated = util$1.eachItem = util$1.unescapeJsonPointer = util$1.escapeJsonPointer = util$1.escapeFragment = util$1.unescapeFragment = util$1.schemaRefOrVal = util$1.schemaHasRulesButRef = util$1.schemaHasRules = util$1.checkUnknownRules = util$1.alwaysValidSchema = util$1.toHash = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const code_1 = /*@__PURE__*/ requireCode$1();
	// TODO refactor to use Set
	function toHash(arr) {
	    const hash = {};
	    for (const item of arr)
	        hash[item] = true;
	    return hash;
	}
	util$1.toHash = toHash;
	function alwaysValidSchema(it, schema) {
	    if (typeof schema == "boolean")
	        return schema;
	    if (Object.keys(schema).length === 0)
	        return true;
	    checkUnknownRules(it, schema);
	    return !schemaHasRules(schema, it.self.RULES.all);
	}
	util$1.alwaysValidSchema = alwaysValidSchema;
	function checkUnknownRules(it, schema = it.schema) {
	    const { opts, self } = it;
	    if (!opts.strictSchema)
	        return;
	    if (typeof schema === "boolean")
	        return;
	    const rules = self.RULES.keywords;
	    for (const key in schema) {
	        if (!rules[key])
	            checkStrictMode(it, `unknown keyword: "${key}"`);
	    }
	}
	util$1.checkUnknownRules = checkUnknownRules;
	function schemaHasRules(schema, rules) {
	    if (typeof schema == "boolean")
	        return !schema;
	    for (const key in schema)
	        if (rules[key])
	            return true;
	    return false;
	}
	util$1.schemaHasRules = schemaHasRules;
	function schemaHasRulesButRef(schema, RULES) {
	    if (typeof schema == "boolean")
	        return !schema;
	    for (const key in schema)
	        if (key !== "$ref" && RULES.all[key])
	            return true;
	    return false;
	}
	util$1.schemaHasRulesButRef = schemaHasRulesButRef;
	function schemaRefOrVal({ topSchemaRef, schemaPath }, schema, keyword, $data) {
	    if (!$data) {
	        if (typeof schema == "number" || typeof schema == "boolean")
	            return schema;
	        if (typeof schema == "string")
	            return (0, codegen_1._) `${schema}`;
	    }
	    return (0, codegen_1._) `${topSchemaRef}${schemaPath}${(0, codegen_1.getProperty)(keyword)}`;
	}
	util$1.schemaRefOrVal = schemaRefOrVal;
	function unescapeFragment(str) {
	    return unescapeJsonPointer(decodeURIComponent(str));
	}
	util$1.unescapeFragment = unescapeFragment;
	function escapeFragment(str) {
	    return encodeURIComponent(escapeJsonPointer(str));
	}
	util$1.escapeFragment = escapeFragment;
	function escapeJsonPointer(str) {
	    if (typeof str == "number")
	        return `${str}`;
	    return str.replace(/~/g, "~0").replace(/\//g, "~1");
	}
	util$1.escapeJsonPointer = escapeJsonPointer;
	function unescapeJsonPointer(str) {
	    return str.replace(/~1/g, "/").replace(/~0/g, "~");
	}
	util$1.unescapeJsonPointer = unescapeJsonPointer;
	function eachItem(xs, f) {
	    if (Array.isArray(xs)) {
	        for (const x of xs)
	            f(x);
	    }
	    else {
	        f(xs);
	    }
	}
	util$1.eachItem = eachItem;
	function makeMergeEvaluated({ mergeNames, mergeToName, mergeValues, resultToName, }) {
	    return (gen, from, to, toName) => {
	        const res = to === undefined
	            ? from
	            : to instanceof codegen_1.Name
	                ? (from instanceof codegen_1.Name ? mergeNames(gen, from, to) : mergeToName(gen, from, to), to)
	                : from instanceof codegen_1.Name
	                    ? (mergeToName(gen, to, from), from)
	                    : mergeValues(from, to);
	        return toName === codegen_1.Name && !(res instanceof codegen_1.Name) ? resultToName(gen, res) : res;
	    };
	}
	util$1.mergeEvaluated = {
	    props: makeMergeEvaluated({
	        mergeNames: (gen, from, to) => gen.if((0, codegen_1._) `${to} !== true && ${from} !== undefined`, () => {
	            gen.if((0, codegen_1._) `${from} === true`, () => gen.assign(to, true), () => gen.assign(to, (0, codegen_1._) `${to} || {}`).code((0, codegen_1._) `Object.assign(${to}, ${from})`));
	        }),
	        mergeToName: (gen, from, to) => gen.if((0, codegen_1._) `${to} !== true`, () => {
	            if (from === true) {
	                gen.assign(to, true);
	            }
	            else {
	                gen.assign(to, (0, codegen_1._) `${to} || {}`);
	                setEvaluated(gen, to, from);
	            }
	        }),
	        mergeValues: (from, to) => (from === true ? true : { ...from, ...to }),
	        resultToName: evaluatedPropsToName,
	    }),
	    items: makeMergeEvaluated({
	        mergeNames: (gen, from, to) => gen.if((0, codegen_1._) `${to} !== true && ${from} !== undefined`, () => gen.assign(to, (0, codegen_1._) `${from} === true ? true : ${to} > ${from} ? ${to} : ${from}`)),
	        mergeToName: (gen, from, to) => gen.if((0, codegen_1._) `${to} !== true`, () => gen.assign(to, from === true ? true : (0, codegen_1._) `${to} > ${from} ? ${to} : ${from}`)),
	        mergeValues: (from, to) => (from === true ? true : Math.max(from, to)),
	        resultToName: (gen, items) => gen.var("items", items),
	    }),
	};
	function evaluatedPropsToName(gen, ps) {
	    if (ps === true)
	        return gen.var("props", true);
	    const props = gen.var("props", (0, codegen_1._) `{}`);
	    if (ps !== undefined)
	        setEvaluated(gen, props, ps);
	    return props;
	}
	util$1.evaluatedPropsToName = evaluatedPropsToName;
	function setEvaluated(gen, props, ps) {
	    Object.keys(ps).forEach((p) => gen.assign((0, codegen_1._) `${props}${(0, codegen_1.getProperty)(p)}`, true));
	}
	util$1.setEvaluated = setEvaluated;
	const snippets = {};
	function useFunc(gen, f) {
	    return gen.scopeValue("func", {
	        ref: f,
	        code: snippets[f.code] || (snippets[f.code] = new code_1._Code(f.code)),
	    });
	}
	util$1.useFunc = useFunc;
	var Type;
	(function (Type) {
	    Type[Type["Num"] = 0] = "Num";
	    Type[Type["Str"] = 1] = "Str";
	})(Type || (util$1.Type = Type = {}));
	function getErrorPath(dataProp, dataPropType, jsPropertySyntax) {
	    // let path
	    if (dataProp instanceof codegen_1.Name) {
	        const isNumber = dataPropType === Type.Num;
	        return jsPropertySyntax
	            ? isNumber
	                ? (0, codegen_1._) `"[" + ${dataProp} + "]"`
	                : (0, codegen_1._) `"['" + ${dataProp} + "']"`
	            : isNumber
	                ? (0, codegen_1._) `"/" + ${dataProp}`
	                : (0, codegen_1._) `"/" + ${dataProp}.replace(/~/g, "~0").replace(/\\//g, "~1")`; // TODO maybe use global escapePointer
	    }
	    return jsPropertySyntax ? (0, codegen_1.getProperty)(dataProp).toString() : "/" + escapeJsonPointer(dataProp);
	}
	util$1.getErrorPath = getErrorPath;
	function checkStrictMode(it, msg, mode = it.opts.strictSchema) {
	    if (!mode)
	        return;
	    msg = `strict mode: ${msg}`;
	    if (mode === true)
	        throw new Error(msg);
	    it.self.logger.warn(msg);
	}
	util$1.checkStrictMode = checkStrictMode;
	
	return util$1;
}

var names = {};

var hasRequiredNames;

function requireNames () {
	if (hasRequiredNames) return names;
	hasRequiredNames = 1;
	Object.defineProperty(names, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const names$1 = {
	    // validation function arguments
	    data: new codegen_1.Name("data"), // data passed to validation function
	    // args passed from referencing schema
	    valCxt: new codegen_1.Name("valCxt"), // validation/data context - should not be used directly, it is destructured to the names below
	    instancePath: new codegen_1.Name("instancePath"),
	    parentData: new codegen_1.Name("parentData"),
	    parentDataProperty: new codegen_1.Name("parentDataProperty"),
	    rootData: new codegen_1.Name("rootData"), // root data - same as the data passed to the first/top validation function
	    dynamicAnchors: new codegen_1.Name("dynamicAnchors"), // used to support recursiveRef and dynamicRef
	    // function scoped variables
	    vErrors: new codegen_1.Name("vErrors"), // null or array of validation errors
	    errors: new codegen_1.Name("errors"), // counter of validation errors
	    this: new codegen_1.Name("this"),
	    // "globals"
	    self: new codegen_1.Name("self"),
	    scope: new codegen_1.Name("scope"),
	    // JTD serialize/parse name for JSON string and position
	    json: new codegen_1.Name("json"),
	    jsonPos: new codegen_1.Name("jsonPos"),
	    jsonLen: new codegen_1.Name("jsonLen"),
	    jsonPart: new codegen_1.Name("jsonPart"),
	};
	names.default = names$1;
	
	return names;
}

var hasRequiredErrors;

function requireErrors () {
	if (hasRequiredErrors) return errors;
	hasRequiredErrors = 1;
	(function (exports) {
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.extendErrors = exports.resetErrorsCount = exports.reportExtraError = exports.reportError = exports.keyword$DataError = exports.keywordError = void 0;
		const codegen_1 = /*@__PURE__*/ requireCodegen();
		const util_1 = /*@__PURE__*/ requireUtil$1();
		const names_1 = /*@__PURE__*/ requireNames();
		exports.keywordError = {
		    message: ({ keyword }) => (0, codegen_1.str) `must pass "${keyword}" keyword validation`,
		};
		exports.keyword$DataError = {
		    message: ({ keyword, schemaType }) => schemaType
		        ? (0, codegen_1.str) `"${keyword}" keyword must be ${schemaType} ($data)`
		        : (0, codegen_1.str) `"${keyword}" keyword is invalid ($data)`,
		};
		function reportError(cxt, error = exports.keywordError, errorPaths, overrideAllErrors) {
		    const { it } = cxt;
		    const { gen, compositeRule, allErrors } = it;
		    const errObj = errorObjectCode(cxt, error, errorPaths);
		    if (overrideAllErrors !== null && overrideAllErrors !== void 0 ? overrideAllErrors : (compositeRule || allErrors)) {
		        addError(gen, errObj);
		    }
		    else {
		        returnErrors(it, (0, codegen_1._) `[${errObj}]`);
		    }
		}
		exports.reportError = reportError;
		function reportExtraError(cxt, error = exports.keywordError, errorPaths) {
		    const { it } = cxt;
		    const { gen, compositeRule, allErrors } = it;
		    const errObj = errorObjectCode(cxt, error, errorPaths);
		    addError(gen, errObj);
		    if (!(compositeRule || allErrors)) {
		        returnErrors(it, names_1.default.vErrors);
		    }
		}
		exports.reportExtraError = reportExtraError;
		function resetErrorsCount(gen, errsCount) {
		    gen.assign(names_1.default.errors, errsCount);
		    gen.if((0, codegen_1._) `${names_1.default.vErrors} !== null`, () => gen.if(errsCount, () => gen.assign((0, codegen_1._) `${names_1.default.vErrors}.length`, errsCount), () => gen.assign(names_1.default.vErrors, null)));
		}
		exports.resetErrorsCount = resetErrorsCount;
		function extendErrors({ gen, keyword, schemaValue, data, errsCount, it, }) {
		    /* istanbul ignore if */
		    if (errsCount === undefined)
		        throw new Error("ajv implementation error");
		    const err = gen.name("err");
		    gen.forRange("i", errsCount, names_1.default.errors, (i) => {
		        gen.const(err, (0, codegen_1._) `${names_1.default.vErrors}[${i}]`);
		        gen.if((0, codegen_1._) `${err}.instancePath === undefined`, () => gen.assign((0, codegen_1._) `${err}.instancePath`, (0, codegen_1.strConcat)(names_1.default.instancePath, it.errorPath)));
		        gen.assign((0, codegen_1._) `${err}.schemaPath`, (0, codegen_1.str) `${it.errSchemaPath}/${keyword}`);
		        if (it.opts.verbose) {
		            gen.assign((0, codegen_1._) `${err}.schema`, schemaValue);
		            gen.assign((0, codegen_1._) `${err}.data`, data);
		        }
		    });
		}
		exports.extendErrors = extendErrors;
		function addError(gen, errObj) {
		    const err = gen.const("err", errObj);
		    gen.if((0, codegen_1._) `${names_1.default.vErrors} === null`, () => gen.assign(names_1.default.vErrors, (0, codegen_1._) `[${err}]`), (0, codegen_1._) `${names_1.default.vErrors}.push(${err})`);
		    gen.code((0, codegen_1._) `${names_1.default.errors}++`);
		}
		function returnErrors(it, errs) {
		    const { gen, validateName, schemaEnv } = it;
		    if (schemaEnv.$async) {
		        gen.throw((0, codegen_1._) `new ${it.ValidationError}(${errs})`);
		    }
		    else {
		        gen.assign((0, codegen_1._) `${validateName}.errors`, errs);
		        gen.return(false);
		    }
		}
		const E = {
		    keyword: new codegen_1.Name("keyword"),
		    schemaPath: new codegen_1.Name("schemaPath"), // also used in JTD errors
		    params: new codegen_1.Name("params"),
		    propertyName: new codegen_1.Name("propertyName"),
		    message: new codegen_1.Name("message"),
		    schema: new codegen_1.Name("schema"),
		    parentSchema: new codegen_1.Name("parentSchema"),
		};
		function errorObjectCode(cxt, error, errorPaths) {
		    const { createErrors } = cxt.it;
		    if (createErrors === false)
		        return (0, codegen_1._) `{}`;
		    return errorObject(cxt, error, errorPaths);
		}
		function errorObject(cxt, error, errorPaths = {}) {
		    const { gen, it } = cxt;
		    const keyValues = [
		        errorInstancePath(it, errorPaths),
		        errorSchemaPath(cxt, errorPaths),
		    ];
		    extraErrorProps(cxt, error, keyValues);
		    return gen.object(...keyValues);
		}
		function errorInstancePath({ errorPath }, { instancePath }) {
		    const instPath = instancePath
		        ? (0, codegen_1.str) `${errorPath}${(0, util_1.getErrorPath)(instancePath, util_1.Type.Str)}`
		        : errorPath;
		    return [names_1.default.instancePath, (0, codegen_1.strConcat)(names_1.default.instancePath, instPath)];
		}
		function errorSchemaPath({ keyword, it: { errSchemaPath } }, { schemaPath, parentSchema }) {
		    let schPath = parentSchema ? errSchemaPath : (0, codegen_1.str) `${errSchemaPath}/${keyword}`;
		    if (schemaPath) {
		        schPath = (0, codegen_1.str) `${schPath}${(0, util_1.getErrorPath)(schemaPath, util_1.Type.Str)}`;
		    }
		    return [E.schemaPath, schPath];
		}
		function extraErrorProps(cxt, { params, message }, keyValues) {
		    const { keyword, data, schemaValue, it } = cxt;
		    const { opts, propertyName, topSchemaRef, schemaPath } = it;
		    keyValues.push([E.keyword, keyword], [E.params, typeof params == "function" ? params(cxt) : params || (0, codegen_1._) `{}`]);
		    if (opts.messages) {
		        keyValues.push([E.message, typeof message == "function" ? message(cxt) : message]);
		    }
		    if (opts.verbose) {
		        keyValues.push([E.schema, schemaValue], [E.parentSchema, (0, codegen_1._) `${topSchemaRef}${schemaPath}`], [names_1.default.data, data]);
		    }
		    if (propertyName)
		        keyValues.push([E.propertyName, propertyName]);
		}
		
	} (errors));
	return errors;
}

var hasRequiredBoolSchema;

function requireBoolSchema () {
	if (hasRequiredBoolSchema) return boolSchema;
	hasRequiredBoolSchema = 1;
	Object.defineProperty(boolSchema, "__esModule", { value: true });
	boolSchema.boolOrEmptySchema = boolSchema.topBoolOrEmptySchema = void 0;
	const errors_1 = /*@__PURE__*/ requireErrors();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const names_1 = /*@__PURE__*/ requireNames();
	const boolError = {
	    message: "boolean schema is false",
	};
	function topBoolOrEmptySchema(it) {
	    const { gen, schema, validateName } = it;
	    if (schema === false) {
	        falseSchemaError(it, false);
	    }
	    else if (typeof schema == "object" && schema.$async === true) {
	        gen.return(names_1.default.data);
	    }
	    else {
	        gen.assign((0, codegen_1._) `${validateName}.errors`, null);
	        gen.return(true);
	    }
	}
	boolSchema.topBoolOrEmptySchema = topBoolOrEmptySchema;
	function boolOrEmptySchema(it, valid) {
	    const { gen, schema } = it;
	    if (schema === false) {
	        gen.var(valid, false); // TODO var
	        falseSchemaError(it);
	    }
	    else {
	        gen.var(valid, true); // TODO var
	    }
	}
	boolSchema.boolOrEmptySchema = boolOrEmptySchema;
	function falseSchemaError(it, overrideAllErrors) {
	    const { gen, data } = it;
	    // TODO maybe some other interface should be used for non-keyword validation errors...
	    const cxt = {
	        gen,
	        keyword: "false schema",
	        data,
	        schema: false,
	        schemaCode: false,
	        schemaValue: false,
	        params: {},
	        it,
	    };
	    (0, errors_1.reportError)(cxt, boolError, undefined, overrideAllErrors);
	}
	
	return boolSchema;
}

var dataType = {};

var rules = {};

var hasRequiredRules;

function requireRules () {
	if (hasRequiredRules) return rules;
	hasRequiredRules = 1;
	Object.defineProperty(rules, "__esModule", { value: true });
	rules.getRules = rules.isJSONType = void 0;
	const _jsonTypes = ["string", "number", "integer", "boolean", "null", "object", "array"];
	const jsonTypes = new Set(_jsonTypes);
	function isJSONType(x) {
	    return typeof x == "string" && jsonTypes.has(x);
	}
	rules.isJSONType = isJSONType;
	function getRules() {
	    const groups = {
	        number: { type: "number", rules: [] },
	        string: { type: "string", rules: [] },
	        array: { type: "array", rules: [] },
	        object: { type: "object", rules: [] },
	    };
	    return {
	        types: { ...groups, integer: true, boolean: true, null: true },
	        rules: [{ rules: [] }, groups.number, groups.string, groups.array, groups.object],
	        post: { rules: [] },
	        all: {},
	        keywords: {},
	    };
	}
	rules.getRules = getRules;
	
	return rules;
}

var applicability = {};

var hasRequiredApplicability;

function requireApplicability () {
	if (hasRequiredApplicability) return applicability;
	hasRequiredApplicability = 1;
	Object.defineProperty(applicability, "__esModule", { value: true });
	applicability.shouldUseRule = applicability.shouldUseGroup = applicability.schemaHasRulesForType = void 0;
	function schemaHasRulesForType({ schema, self }, type) {
	    const group = self.RULES.types[type];
	    return group && group !== true && shouldUseGroup(schema, group);
	}
	applicability.schemaHasRulesForType = schemaHasRulesForType;
	function shouldUseGroup(schema, group) {
	    return group.rules.some((rule) => shouldUseRule(schema, rule));
	}
	applicability.shouldUseGroup = shouldUseGroup;
	function shouldUseRule(schema, rule) {
	    var _a;
	    return (schema[rule.keyword] !== undefined ||
	        ((_a = rule.definition.implements) === null || _a === void 0 ? void 0 : _a.some((kwd) => schema[kwd] !== undefined)));
	}
	applicability.shouldUseRule = shouldUseRule;
	
	return applicability;
}

var hasRequiredDataType;

function requireDataType () {
	if (hasRequiredDataType) return dataType;
	hasRequiredDataType = 1;
	Object.defineProperty(dataType, "__esModule", { value: true });
	dataType.reportTypeError = dataType.checkDataTypes = dataType.checkDataType = dataType.coerceAndCheckDataType = dataType.getJSONTypes = dataType.getSchemaTypes = dataType.DataType = void 0;
	const rules_1 = /*@__PURE__*/ requireRules();
	const applicability_1 = /*@__PURE__*/ requireApplicability();
	const errors_1 = /*@__PURE__*/ requireErrors();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	var DataType;
	(function (DataType) {
	    DataType[DataType["Correct"] = 0] = "Correct";
	    DataType[DataType["Wrong"] = 1] = "Wrong";
	})(DataType || (dataType.DataType = DataType = {}));
	function getSchemaTypes(schema) {
	    const types = getJSONTypes(schema.type);
	    const hasNull = types.includes("null");
	    if (hasNull) {
	        if (schema.nullable === false)
	            throw new Error("type: null contradicts nullable: false");
	    }
	    else {
	        if (!types.length && schema.nullable !== undefined) {
	            throw new Error('"nullable" cannot be used without "type"');
	        }
	        if (schema.nullable === true)
	            types.push("null");
	    }
	    return types;
	}
	dataType.getSchemaTypes = getSchemaTypes;
	// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
	function getJSONTypes(ts) {
	    const types = Array.isArray(ts) ? ts : ts ? [ts] : [];
	    if (types.every(rules_1.isJSONType))
	        return types;
	    throw new Error("type must be JSONType or JSONType[]: " + types.join(","));
	}
	dataType.getJSONTypes = getJSONTypes;
	function coerceAndCheckDataType(it, types) {
	    const { gen, data, opts } = it;
	    const coerceTo = coerceToTypes(types, opts.coerceTypes);
	    const checkTypes = types.length > 0 &&
	        !(coerceTo.length === 0 && types.length === 1 && (0, applicability_1.schemaHasRulesForType)(it, types[0]));
	    if (checkTypes) {
	        const wrongType = checkDataTypes(types, data, opts.strictNumbers, DataType.Wrong);
	        gen.if(wrongType, () => {
	            if (coerceTo.length)
	                coerceData(it, types, coerceTo);
	            else
	                reportTypeError(it);
	        });
	    }
	    return checkTypes;
	}
	dataType.coerceAndCheckDataType = coerceAndCheckDataType;
	const COERCIBLE = new Set(["string", "number", "integer", "boolean", "null"]);
	function coerceToTypes(types, coerceTypes) {
	    return coerceTypes
	        ? types.filter((t) => COERCIBLE.has(t) || (coerceTypes === "array" && t === "array"))
	        : [];
	}
	function coerceData(it, types, coerceTo) {
	    const { gen, data, opts } = it;
	    const dataType = gen.let("dataType", (0, codegen_1._) `typeof ${data}`);
	    const coerced = gen.let("coerced", (0, codegen_1._) `undefined`);
	    if (opts.coerceTypes === "array") {
	        gen.if((0, codegen_1._) `${dataType} == 'object' && Array.isArray(${data}) && ${data}.length == 1`, () => gen
	            .assign(data, (0, codegen_1._) `${data}[0]`)
	            .assign(dataType, (0, codegen_1._) `typeof ${data}`)
	            .if(checkDataTypes(types, data, opts.strictNumbers), () => gen.assign(coerced, data)));
	    }
	    gen.if((0, codegen_1._) `${coerced} !== undefined`);
	    for (const t of coerceTo) {
	        if (COERCIBLE.has(t) || (t === "array" && opts.coerceTypes === "array")) {
	            coerceSpecificType(t);
	        }
	    }
	    gen.else();
	    reportTypeError(it);
	    gen.endIf();
	    gen.if((0, codegen_1._) `${coerced} !== undefined`, () => {
	        gen.assign(data, coerced);
	        assignParentData(it, coerced);
	    });
	    function coerceSpecificType(t) {
	        switch (t) {
	            case "string":
	                gen
	                    .elseIf((0, codegen_1._) `${dataType} == "number" || ${dataType} == "boolean"`)
	                    .assign(coerced, (0, codegen_1._) `"" + ${data}`)
	                    .elseIf((0, codegen_1._) `${data} === null`)
	                    .assign(coerced, (0, codegen_1._) `""`);
	                return;
	            case "number":
	                gen
	                    .elseIf((0, codegen_1._) `${dataType} == "boolean" || ${data} === null
              || (${dataType} == "string" && ${data} && ${data} == +${data})`)
	                    .assign(coerced, (0, codegen_1._) `+${data}`);
	                return;
	            case "integer":
	                gen
	                    .elseIf((0, codegen_1._) `${dataType} === "boolean" || ${data} === null
              || (${dataType} === "string" && ${data} && ${data} == +${data} && !(${data} % 1))`)
	                    .assign(coerced, (0, codegen_1._) `+${data}`);
	                return;
	            case "boolean":
	                gen
	                    .elseIf((0, codegen_1._) `${data} === "false" || ${data} === 0 || ${data} === null`)
	                    .assign(coerced, false)
	                    .elseIf((0, codegen_1._) `${data} === "true" || ${data} === 1`)
	                    .assign(coerced, true);
	                return;
	            case "null":
	                gen.elseIf((0, codegen_1._) `${data} === "" || ${data} === 0 || ${data} === false`);
	                gen.assign(coerced, null);
	                return;
	            case "array":
	                gen
	                    .elseIf((0, codegen_1._) `${dataType} === "string" || ${dataType} === "number"
              || ${dataType} === "boolean" || ${data} === null`)
	                    .assign(coerced, (0, codegen_1._) `[${data}]`);
	        }
	    }
	}
	function assignParentData({ gen, parentData, parentDataProperty }, expr) {
	    // TODO use gen.property
	    gen.if((0, codegen_1._) `${parentData} !== undefined`, () => gen.assign((0, codegen_1._) `${parentData}[${parentDataProperty}]`, expr));
	}
	function checkDataType(dataType, data, strictNums, correct = DataType.Correct) {
	    const EQ = correct === DataType.Correct ? codegen_1.operators.EQ : codegen_1.operators.NEQ;
	    let cond;
	    switch (dataType) {
	        case "null":
	            return (0, codegen_1._) `${data} ${EQ} null`;
	        case "array":
	            cond = (0, codegen_1._) `Array.isArray(${data})`;
	            break;
	        case "object":
	            cond = (0, codegen_1._) `${data} && typeof ${data} == "object" && !Array.isArray(${data})`;
	            break;
	        case "integer":
	            cond = numCond((0, codegen_1._) `!(${data} % 1) && !isNaN(${data})`);
	            break;
	        case "number":
	            cond = numCond();
	            break;
	        default:
	            return (0, codegen_1._) `typeof ${data} ${EQ} ${dataType}`;
	    }
	    return correct === DataType.Correct ? cond : (0, codegen_1.not)(cond);
	    function numCond(_cond = codegen_1.nil) {
	        return (0, codegen_1.and)((0, codegen_1._) `typeof ${data} == "number"`, _cond, strictNums ? (0, codegen_1._) `isFinite(${data})` : codegen_1.nil);
	    }
	}
	dataType.checkDataType = checkDataType;
	function checkDataTypes(dataTypes, data, strictNums, correct) {
	    if (dataTypes.length === 1) {
	        return checkDataType(dataTypes[0], data, strictNums, correct);
	    }
	    let cond;
	    const types = (0, util_1.toHash)(dataTypes);
	    if (types.array && types.object) {
	        const notObj = (0, codegen_1._) `typeof ${data} != "object"`;
	        cond = types.null ? notObj : (0, codegen_1._) `!${data} || ${notObj}`;
	        delete types.null;
	        delete types.array;
	        delete types.object;
	    }
	    else {
	        cond = codegen_1.nil;
	    }
	    if (types.number)
	        delete types.integer;
	    for (const t in types)
	        cond = (0, codegen_1.and)(cond, checkDataType(t, data, strictNums, correct));
	    return cond;
	}
	dataType.checkDataTypes = checkDataTypes;
	const typeError = {
	    message: ({ schema }) => `must be ${schema}`,
	    params: ({ schema, schemaValue }) => typeof schema == "string" ? (0, codegen_1._) `{type: ${schema}}` : (0, codegen_1._) `{type: ${schemaValue}}`,
	};
	function reportTypeError(it) {
	    const cxt = getTypeErrorContext(it);
	    (0, errors_1.reportError)(cxt, typeError);
	}
	dataType.reportTypeError = reportTypeError;
	function getTypeErrorContext(it) {
	    const { gen, data, schema } = it;
	    const schemaCode = (0, util_1.schemaRefOrVal)(it, schema, "type");
	    return {
	        gen,
	        keyword: "type",
	        data,
	        schema: schema.type,
	        schemaCode,
	        schemaValue: schemaCode,
	        parentSchema: schema,
	        params: {},
	        it,
	    };
	}
	
	return dataType;
}

var defaults = {};

var hasRequiredDefaults;

function requireDefaults () {
	if (hasRequiredDefaults) return defaults;
	hasRequiredDefaults = 1;
	Object.defineProperty(defaults, "__esModule", { value: true });
	defaults.assignDefaults = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	function assignDefaults(it, ty) {
	    const { properties, items } = it.schema;
	    if (ty === "object" && properties) {
	        for (const key in properties) {
	            assignDefault(it, key, properties[key].default);
	        }
	    }
	    else if (ty === "array" && Array.isArray(items)) {
	        items.forEach((sch, i) => assignDefault(it, i, sch.default));
	    }
	}
	defaults.assignDefaults = assignDefaults;
	function assignDefault(it, prop, defaultValue) {
	    const { gen, compositeRule, data, opts } = it;
	    if (defaultValue === undefined)
	        return;
	    const childData = (0, codegen_1._) `${data}${(0, codegen_1.getProperty)(prop)}`;
	    if (compositeRule) {
	        (0, util_1.checkStrictMode)(it, `default is ignored for: ${childData}`);
	        return;
	    }
	    let condition = (0, codegen_1._) `${childData} === undefined`;
	    if (opts.useDefaults === "empty") {
	        condition = (0, codegen_1._) `${condition} || ${childData} === null || ${childData} === ""`;
	    }
	    // `${childData} === undefined` +
	    // (opts.useDefaults === "empty" ? ` || ${childData} === null || ${childData} === ""` : "")
	    gen.if(condition, (0, codegen_1._) `${childData} = ${(0, codegen_1.stringify)(defaultValue)}`);
	}
	
	return defaults;
}

var keyword = {};

var code$1 = {};

var hasRequiredCode;

function requireCode () {
	if (hasRequiredCode) return code$1;
	hasRequiredCode = 1;
	Object.defineProperty(code$1, "__esModule", { value: true });
	code$1.validateUnion = code$1.validateArray = code$1.usePattern = code$1.callValidateCode = code$1.schemaProperties = code$1.allSchemaProperties = code$1.noPropertyInData = code$1.propertyInData = code$1.isOwnProperty = code$1.hasPropFunc = code$1.reportMissingProp = code$1.checkMissingProp = code$1.checkReportMissingProp = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const names_1 = /*@__PURE__*/ requireNames();
	const util_2 = /*@__PURE__*/ requireUtil$1();
	function checkReportMissingProp(cxt, prop) {
	    const { gen, data, it } = cxt;
	    gen.if(noPropertyInData(gen, data, prop, it.opts.ownProperties), () => {
	        cxt.setParams({ missingProperty: (0, codegen_1._) `${prop}` }, true);
	        cxt.error();
	    });
	}
	code$1.checkReportMissingProp = checkReportMissingProp;
	function checkMissingProp({ gen, data, it: { opts } }, properties, missing) {
	    return (0, codegen_1.or)(...properties.map((prop) => (0, codegen_1.and)(noPropertyInData(gen, data, prop, opts.ownProperties), (0, codegen_1._) `${missing} = ${prop}`)));
	}
	code$1.checkMissingProp = checkMissingProp;
	function reportMissingProp(cxt, missing) {
	    cxt.setParams({ missingProperty: missing }, true);
	    cxt.error();
	}
	code$1.reportMissingProp = reportMissingProp;
	function hasPropFunc(gen) {
	    return gen.scopeValue("func", {
	        // eslint-disable-next-line @typescript-eslint/unbound-method
	        ref: Object.prototype.hasOwnProperty,
	        code: (0, codegen_1._) `Object.prototype.hasOwnProperty`,
	    });
	}
	code$1.hasPropFunc = hasPropFunc;
	function isOwnProperty(gen, data, property) {
	    return (0, codegen_1._) `${hasPropFunc(gen)}.call(${data}, ${property})`;
	}
	code$1.isOwnProperty = isOwnProperty;
	function propertyInData(gen, data, property, ownProperties) {
	    const cond = (0, codegen_1._) `${data}${(0, codegen_1.getProperty)(property)} !== undefined`;
	    return ownProperties ? (0, codegen_1._) `${cond} && ${isOwnProperty(gen, data, property)}` : cond;
	}
	code$1.propertyInData = propertyInData;
	function noPropertyInData(gen, data, property, ownProperties) {
	    const cond = (0, codegen_1._) `${data}${(0, codegen_1.getProperty)(property)} === undefined`;
	    return ownProperties ? (0, codegen_1.or)(cond, (0, codegen_1.not)(isOwnProperty(gen, data, property))) : cond;
	}
	code$1.noPropertyInData = noPropertyInData;
	function allSchemaProperties(schemaMap) {
	    return schemaMap ? Object.keys(schemaMap).filter((p) => p !== "__proto__") : [];
	}
	code$1.allSchemaProperties = allSchemaProperties;
	function schemaProperties(it, schemaMap) {
	    return allSchemaProperties(schemaMap).filter((p) => !(0, util_1.alwaysValidSchema)(it, schemaMap[p]));
	}
	code$1.schemaProperties = schemaProperties;
	function callValidateCode({ schemaCode, data, it: { gen, topSchemaRef, schemaPath, errorPath }, it }, func, context, passSchema) {
	    const dataAndSchema = passSchema ? (0, codegen_1._) `${schemaCode}, ${data}, ${topSchemaRef}${schemaPath}` : data;
	    const valCxt = [
	        [names_1.default.instancePath, (0, codegen_1.strConcat)(names_1.default.instancePath, errorPath)],
	        [names_1.default.parentData, it.parentData],
	        [names_1.default.parentDataProperty, it.parentDataProperty],
	        [names_1.default.rootData, names_1.default.rootData],
	    ];
	    if (it.opts.dynamicRef)
	        valCxt.push([names_1.default.dynamicAnchors, names_1.default.dynamicAnchors]);
	    const args = (0, codegen_1._) `${dataAndSchema}, ${gen.object(...valCxt)}`;
	    return context !== codegen_1.nil ? (0, codegen_1._) `${func}.call(${context}, ${args})` : (0, codegen_1._) `${func}(${args})`;
	}
	code$1.callValidateCode = callValidateCode;
	const newRegExp = (0, codegen_1._) `new RegExp`;
	function usePattern({ gen, it: { opts } }, pattern) {
	    const u = opts.unicodeRegExp ? "u" : "";
	    const { regExp } = opts.code;
	    const rx = regExp(pattern, u);
	    return gen.scopeValue("pattern", {
	        key: rx.toString(),
	        ref: rx,
	        code: (0, codegen_1._) `${regExp.code === "new RegExp" ? newRegExp : (0, util_2.useFunc)(gen, regExp)}(${pattern}, ${u})`,
	    });
	}
	code$1.usePattern = usePattern;
	function validateArray(cxt) {
	    const { gen, data, keyword, it } = cxt;
	    const valid = gen.name("valid");
	    if (it.allErrors) {
	        const validArr = gen.let("valid", true);
	        validateItems(() => gen.assign(validArr, false));
	        return validArr;
	    }
	    gen.var(valid, true);
	    validateItems(() => gen.break());
	    return valid;
	    function validateItems(notValid) {
	        const len = gen.const("len", (0, codegen_1._) `${data}.length`);
	        gen.forRange("i", 0, len, (i) => {
	            cxt.subschema({
	                keyword,
	                dataProp: i,
	                dataPropType: util_1.Type.Num,
	            }, valid);
	            gen.if((0, codegen_1.not)(valid), notValid);
	        });
	    }
	}
	code$1.validateArray = validateArray;
	function validateUnion(cxt) {
	    const { gen, schema, keyword, it } = cxt;
	    /* istanbul ignore if */
	    if (!Array.isArray(schema))
	        throw new Error("ajv implementation error");
	    const alwaysValid = schema.some((sch) => (0, util_1.alwaysValidSchema)(it, sch));
	    if (alwaysValid && !it.opts.unevaluated)
	        return;
	    const valid = gen.let("valid", false);
	    const schValid = gen.name("_valid");
	    gen.block(() => schema.forEach((_sch, i) => {
	        const schCxt = cxt.subschema({
	            keyword,
	            schemaProp: i,
	            compositeRule: true,
	        }, schValid);
	        gen.assign(valid, (0, codegen_1._) `${valid} || ${schValid}`);
	        const merged = cxt.mergeValidEvaluated(schCxt, schValid);
	        // can short-circuit if `unevaluatedProperties/Items` not supported (opts.unevaluated !== true)
	        // or if all properties and items were evaluated (it.props === true && it.items === true)
	        if (!merged)
	            gen.if((0, codegen_1.not)(valid));
	    }));
	    cxt.result(valid, () => cxt.reset(), () => cxt.error(true));
	}
	code$1.validateUnion = validateUnion;
	
	return code$1;
}

var hasRequiredKeyword;

function requireKeyword () {
	if (hasRequiredKeyword) return keyword;
	hasRequiredKeyword = 1;
	Object.defineProperty(keyword, "__esModule", { value: true });
	keyword.validateKeywordUsage = keyword.validSchemaType = keyword.funcKeywordCode = keyword.macroKeywordCode = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const names_1 = /*@__PURE__*/ requireNames();
	const code_1 = /*@__PURE__*/ requireCode();
	const errors_1 = /*@__PURE__*/ requireErrors();
	function macroKeywordCode(cxt, def) {
	    const { gen, keyword, schema, parentSchema, it } = cxt;
	    const macroSchema = def.macro.call(it.self, schema, parentSchema, it);
	    const schemaRef = useKeyword(gen, keyword, macroSchema);
	    if (it.opts.validateSchema !== false)
	        it.self.validateSchema(macroSchema, true);
	    const valid = gen.name("valid");
	    cxt.subschema({
	        schema: macroSchema,
	        schemaPath: codegen_1.nil,
	        errSchemaPath: `${it.errSchemaPath}/${keyword}`,
	        topSchemaRef: schemaRef,
	        compositeRule: true,
	    }, valid);
	    cxt.pass(valid, () => cxt.error(true));
	}
	keyword.macroKeywordCode = macroKeywordCode;
	function funcKeywordCode(cxt, def) {
	    var _a;
	    const { gen, keyword, schema, parentSchema, $data, it } = cxt;
	    checkAsyncKeyword(it, def);
	    const validate = !$data && def.compile ? def.compile.call(it.self, schema, parentSchema, it) : def.validate;
	    const validateRef = useKeyword(gen, keyword, validate);
	    const valid = gen.let("valid");
	    cxt.block$data(valid, validateKeyword);
	    cxt.ok((_a = def.valid) !== null && _a !== void 0 ? _a : valid);
	    function validateKeyword() {
	        if (def.errors === false) {
	            assignValid();
	            if (def.modifying)
	                modifyData(cxt);
	            reportErrs(() => cxt.error());
	        }
	        else {
	            const ruleErrs = def.async ? validateAsync() : validateSync();
	            if (def.modifying)
	                modifyData(cxt);
	            reportErrs(() => addErrs(cxt, ruleErrs));
	        }
	    }
	    function validateAsync() {
	        const ruleErrs = gen.let("ruleErrs", null);
	        gen.try(() => assignValid((0, codegen_1._) `await `), (e) => gen.assign(valid, false).if((0, codegen_1._) `${e} instanceof ${it.ValidationError}`, () => gen.assign(ruleErrs, (0, codegen_1._) `${e}.errors`), () => gen.throw(e)));
	        return ruleErrs;
	    }
	    function validateSync() {
	        const validateErrs = (0, codegen_1._) `${validateRef}.errors`;
	        gen.assign(validateErrs, null);
	        assignValid(codegen_1.nil);
	        return validateErrs;
	    }
	    function assignValid(_await = def.async ? (0, codegen_1._) `await ` : codegen_1.nil) {
	        const passCxt = it.opts.passContext ? names_1.default.this : names_1.default.self;
	        const passSchema = !(("compile" in def && !$data) || def.schema === false);
	        gen.assign(valid, (0, codegen_1._) `${_await}${(0, code_1.callValidateCode)(cxt, validateRef, passCxt, passSchema)}`, def.modifying);
	    }
	    function reportErrs(errors) {
	        var _a;
	        gen.if((0, codegen_1.not)((_a = def.valid) !== null && _a !== void 0 ? _a : valid), errors);
	    }
	}
	keyword.funcKeywordCode = funcKeywordCode;
	function modifyData(cxt) {
	    const { gen, data, it } = cxt;
	    gen.if(it.parentData, () => gen.assign(data, (0, codegen_1._) `${it.parentData}[${it.parentDataProperty}]`));
	}
	function addErrs(cxt, errs) {
	    const { gen } = cxt;
	    gen.if((0, codegen_1._) `Array.isArray(${errs})`, () => {
	        gen
	            .assign(names_1.default.vErrors, (0, codegen_1._) `${names_1.default.vErrors} === null ? ${errs} : ${names_1.default.vErrors}.concat(${errs})`)
	            .assign(names_1.default.errors, (0, codegen_1._) `${names_1.default.vErrors}.length`);
	        (0, errors_1.extendErrors)(cxt);
	    }, () => cxt.error());
	}
	function checkAsyncKeyword({ schemaEnv }, def) {
	    if (def.async && !schemaEnv.$async)
	        throw new Error("async keyword in sync schema");
	}
	function useKeyword(gen, keyword, result) {
	    if (result === undefined)
	        throw new Error(`keyword "${keyword}" failed to compile`);
	    return gen.scopeValue("keyword", typeof result == "function" ? { ref: result } : { ref: result, code: (0, codegen_1.stringify)(result) });
	}
	function validSchemaType(schema, schemaType, allowUndefined = false) {
	    // TODO add tests
	    return (!schemaType.length ||
	        schemaType.some((st) => st === "array"
	            ? Array.isArray(schema)
	            : st === "object"
	                ? schema && typeof schema == "object" && !Array.isArray(schema)
	                : typeof schema == st || (allowUndefined && typeof schema == "undefined")));
	}
	keyword.validSchemaType = validSchemaType;
	function validateKeywordUsage({ schema, opts, self, errSchemaPath }, def, keyword) {
	    /* istanbul ignore if */
	    if (Array.isArray(def.keyword) ? !def.keyword.includes(keyword) : def.keyword !== keyword) {
	        throw new Error("ajv implementation error");
	    }
	    const deps = def.dependencies;
	    if (deps === null || deps === void 0 ? void 0 : deps.some((kwd) => !Object.prototype.hasOwnProperty.call(schema, kwd))) {
	        throw new Error(`parent schema must have dependencies of ${keyword}: ${deps.join(",")}`);
	    }
	    if (def.validateSchema) {
	        const valid = def.validateSchema(schema[keyword]);
	        if (!valid) {
	            const msg = `keyword "${keyword}" value is invalid at path "${errSchemaPath}": ` +
	                self.errorsText(def.validateSchema.errors);
	            if (opts.validateSchema === "log")
	                self.logger.error(msg);
	            else
	                throw new Error(msg);
	        }
	    }
	}
	keyword.validateKeywordUsage = validateKeywordUsage;
	
	return keyword;
}

var subschema = {};

var hasRequiredSubschema;

function requireSubschema () {
	if (hasRequiredSubschema) return subschema;
	hasRequiredSubschema = 1;
	Object.defineProperty(subschema, "__esModule", { value: true });
	subschema.extendSubschemaMode = subschema.extendSubschemaData = subschema.getSubschema = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	function getSubschema(it, { keyword, schemaProp, schema, schemaPath, errSchemaPath, topSchemaRef }) {
	    if (keyword !== undefined && schema !== undefined) {
	        throw new Error('both "keyword" and "schema" passed, only one allowed');
	    }
	    if (keyword !== undefined) {
	        const sch = it.schema[keyword];
	        return schemaProp === undefined
	            ? {
	                schema: sch,
	                schemaPath: (0, codegen_1._) `${it.schemaPath}${(0, codegen_1.getProperty)(keyword)}`,
	                errSchemaPath: `${it.errSchemaPath}/${keyword}`,
	            }
	            : {
	                schema: sch[schemaProp],
	                schemaPath: (0, codegen_1._) `${it.schemaPath}${(0, codegen_1.getProperty)(keyword)}${(0, codegen_1.getProperty)(schemaProp)}`,
	                errSchemaPath: `${it.errSchemaPath}/${keyword}/${(0, util_1.escapeFragment)(schemaProp)}`,
	            };
	    }
	    if (schema !== undefined) {
	        if (schemaPath === undefined || errSchemaPath === undefined || topSchemaRef === undefined) {
	            throw new Error('"schemaPath", "errSchemaPath" and "topSchemaRef" are required with "schema"');
	        }
	        return {
	            schema,
	            schemaPath,
	            topSchemaRef,
	            errSchemaPath,
	        };
	    }
	    throw new Error('either "keyword" or "schema" must be passed');
	}
	subschema.getSubschema = getSubschema;
	function extendSubschemaData(subschema, it, { dataProp, dataPropType: dpType, data, dataTypes, propertyName }) {
	    if (data !== undefined && dataProp !== undefined) {
	        throw new Error('both "data" and "dataProp" passed, only one allowed');
	    }
	    const { gen } = it;
	    if (dataProp !== undefined) {
	        const { errorPath, dataPathArr, opts } = it;
	        const nextData = gen.let("data", (0, codegen_1._) `${it.data}${(0, codegen_1.getProperty)(dataProp)}`, true);
	        dataContextProps(nextData);
	        subschema.errorPath = (0, codegen_1.str) `${errorPath}${(0, util_1.getErrorPath)(dataProp, dpType, opts.jsPropertySyntax)}`;
	        subschema.parentDataProperty = (0, codegen_1._) `${dataProp}`;
	        subschema.dataPathArr = [...dataPathArr, subschema.parentDataProperty];
	    }
	    if (data !== undefined) {
	        const nextData = data instanceof codegen_1.Name ? data : gen.let("data", data, true); // replaceable if used once?
	        dataContextProps(nextData);
	        if (propertyName !== undefined)
	            subschema.propertyName = propertyName;
	        // TODO something is possibly wrong here with not changing parentDataProperty and not appending dataPathArr
	    }
	    if (dataTypes)
	        subschema.dataTypes = dataTypes;
	    function dataContextProps(_nextData) {
	        subschema.data = _nextData;
	        subschema.dataLevel = it.dataLevel + 1;
	        subschema.dataTypes = [];
	        it.definedProperties = new Set();
	        subschema.parentData = it.data;
	        subschema.dataNames = [...it.dataNames, _nextData];
	    }
	}
	subschema.extendSubschemaData = extendSubschemaData;
	function extendSubschemaMode(subschema, { jtdDiscriminator, jtdMetadata, compositeRule, createErrors, allErrors }) {
	    if (compositeRule !== undefined)
	        subschema.compositeRule = compositeRule;
	    if (createErrors !== undefined)
	        subschema.createErrors = createErrors;
	    if (allErrors !== undefined)
	        subschema.allErrors = allErrors;
	    subschema.jtdDiscriminator = jtdDiscriminator; // not inherited
	    subschema.jtdMetadata = jtdMetadata; // not inherited
	}
	subschema.extendSubschemaMode = extendSubschemaMode;
	
	return subschema;
}

var resolve = {};

var fastDeepEqual;
var hasRequiredFastDeepEqual;

function requireFastDeepEqual () {
	if (hasRequiredFastDeepEqual) return fastDeepEqual;
	hasRequiredFastDeepEqual = 1;

	// do not edit .js files directly - edit src/index.jst



	fastDeepEqual = function equal(a, b) {
	  if (a === b) return true;

	  if (a && b && typeof a == 'object' && typeof b == 'object') {
	    if (a.constructor !== b.constructor) return false;

	    var length, i, keys;
	    if (Array.isArray(a)) {
	      length = a.length;
	      if (length != b.length) return false;
	      for (i = length; i-- !== 0;)
	        if (!equal(a[i], b[i])) return false;
	      return true;
	    }



	    if (a.constructor === RegExp) return a.source === b.source && a.flags === b.flags;
	    if (a.valueOf !== Object.prototype.valueOf) return a.valueOf() === b.valueOf();
	    if (a.toString !== Object.prototype.toString) return a.toString() === b.toString();

	    keys = Object.keys(a);
	    length = keys.length;
	    if (length !== Object.keys(b).length) return false;

	    for (i = length; i-- !== 0;)
	      if (!Object.prototype.hasOwnProperty.call(b, keys[i])) return false;

	    for (i = length; i-- !== 0;) {
	      var key = keys[i];

	      if (!equal(a[key], b[key])) return false;
	    }

	    return true;
	  }

	  // true if both NaN, false otherwise
	  return a!==a && b!==b;
	};
	return fastDeepEqual;
}

var jsonSchemaTraverse = {exports: {}};

var hasRequiredJsonSchemaTraverse;

function requireJsonSchemaTraverse () {
	if (hasRequiredJsonSchemaTraverse) return jsonSchemaTraverse.exports;
	hasRequiredJsonSchemaTraverse = 1;

	var traverse = jsonSchemaTraverse.exports = function (schema, opts, cb) {
	  // Legacy support for v0.3.1 and earlier.
	  if (typeof opts == 'function') {
	    cb = opts;
	    opts = {};
	  }

	  cb = opts.cb || cb;
	  var pre = (typeof cb == 'function') ? cb : cb.pre || function() {};
	  var post = cb.post || function() {};

	  _traverse(opts, pre, post, schema, '', schema);
	};


	traverse.keywords = {
	  additionalItems: true,
	  items: true,
	  contains: true,
	  additionalProperties: true,
	  propertyNames: true,
	  not: true,
	  if: true,
	  then: true,
	  else: true
	};

	traverse.arrayKeywords = {
	  items: true,
	  allOf: true,
	  anyOf: true,
	  oneOf: true
	};

	traverse.propsKeywords = {
	  $defs: true,
	  definitions: true,
	  properties: true,
	  patternProperties: true,
	  dependencies: true
	};

	traverse.skipKeywords = {
	  default: true,
	  enum: true,
	  const: true,
	  required: true,
	  maximum: true,
	  minimum: true,
	  exclusiveMaximum: true,
	  exclusiveMinimum: true,
	  multipleOf: true,
	  maxLength: true,
	  minLength: true,
	  pattern: true,
	  format: true,
	  maxItems: true,
	  minItems: true,
	  uniqueItems: true,
	  maxProperties: true,
	  minProperties: true
	};


	function _traverse(opts, pre, post, schema, jsonPtr, rootSchema, parentJsonPtr, parentKeyword, parentSchema, keyIndex) {
	  if (schema && typeof schema == 'object' && !Array.isArray(schema)) {
	    pre(schema, jsonPtr, rootSchema, parentJsonPtr, parentKeyword, parentSchema, keyIndex);
	    for (var key in schema) {
	      var sch = schema[key];
	      if (Array.isArray(sch)) {
	        if (key in traverse.arrayKeywords) {
	          for (var i=0; i<sch.length; i++)
	            _traverse(opts, pre, post, sch[i], jsonPtr + '/' + key + '/' + i, rootSchema, jsonPtr, key, schema, i);
	        }
	      } else if (key in traverse.propsKeywords) {
	        if (sch && typeof sch == 'object') {
	          for (var prop in sch)
	            _traverse(opts, pre, post, sch[prop], jsonPtr + '/' + key + '/' + escapeJsonPtr(prop), rootSchema, jsonPtr, key, schema, prop);
	        }
	      } else if (key in traverse.keywords || (opts.allKeys && !(key in traverse.skipKeywords))) {
	        _traverse(opts, pre, post, sch, jsonPtr + '/' + key, rootSchema, jsonPtr, key, schema);
	      }
	    }
	    post(schema, jsonPtr, rootSchema, parentJsonPtr, parentKeyword, parentSchema, keyIndex);
	  }
	}


	function escapeJsonPtr(str) {
	  return str.replace(/~/g, '~0').replace(/\//g, '~1');
	}
	return jsonSchemaTraverse.exports;
}

var hasRequiredResolve;

function requireResolve () {
	if (hasRequiredResolve) return resolve;
	hasRequiredResolve = 1;
	Object.defineProperty(resolve, "__esModule", { value: true });
	resolve.getSchemaRefs = resolve.resolveUrl = resolve.normalizeId = resolve._getFullPath = resolve.getFullPath = resolve.inlineRef = void 0;
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const equal = requireFastDeepEqual();
	const traverse = requireJsonSchemaTraverse();
	// TODO refactor to use keyword definitions
	const SIMPLE_INLINED = new Set([
	    "type",
	    "format",
	    "pattern",
	    "maxLength",
	    "minLength",
	    "maxProperties",
	    "minProperties",
	    "maxItems",
	    "minItems",
	    "maximum",
	    "minimum",
	    "uniqueItems",
	    "multipleOf",
	    "required",
	    "enum",
	    "const",
	]);
	function inlineRef(schema, limit = true) {
	    if (typeof schema == "boolean")
	        return true;
	    if (limit === true)
	        return !hasRef(schema);
	    if (!limit)
	        return false;
	    return countKeys(schema) <= limit;
	}
	resolve.inlineRef = inlineRef;
	const REF_KEYWORDS = new Set([
	    "$ref",
	    "$recursiveRef",
	    "$recursiveAnchor",
	    "$dynamicRef",
	    "$dynamicAnchor",
	]);
	function hasRef(schema) {
	    for (const key in schema) {
	        if (REF_KEYWORDS.has(key))
	            return true;
	        const sch = schema[key];
	        if (Array.isArray(sch) && sch.some(hasRef))
	            return true;
	        if (typeof sch == "object" && hasRef(sch))
	            return true;
	    }
	    return false;
	}
	function countKeys(schema) {
	    let count = 0;
	    for (const key in schema) {
	        if (key === "$ref")
	            return Infinity;
	        count++;
	        if (SIMPLE_INLINED.has(key))
	            continue;
	        if (typeof schema[key] == "object") {
	            (0, util_1.eachItem)(schema[key], (sch) => (count += countKeys(sch)));
	        }
	        if (count === Infinity)
	            return Infinity;
	    }
	    return count;
	}
	function getFullPath(resolver, id = "", normalize) {
	    if (normalize !== false)
	        id = normalizeId(id);
	    const p = resolver.parse(id);
	    return _getFullPath(resolver, p);
	}
	resolve.getFullPath = getFullPath;
	function _getFullPath(resolver, p) {
	    const serialized = resolver.serialize(p);
	    return serialized.split("#")[0] + "#";
	}
	resolve._getFullPath = _getFullPath;
	const TRAILING_SLASH_HASH = /#\/?$/;
	function normalizeId(id) {
	    return id ? id.replace(TRAILING_SLASH_HASH, "") : "";
	}
	resolve.normalizeId = normalizeId;
	function resolveUrl(resolver, baseId, id) {
	    id = normalizeId(id);
	    return resolver.resolve(baseId, id);
	}
	resolve.resolveUrl = resolveUrl;
	const ANCHOR = /^[a-z_][-a-z0-9._]*$/i;
	function getSchemaRefs(schema, baseId) {
	    if (typeof schema == "boolean")
	        return {};
	    const { schemaId, uriResolver } = this.opts;
	    const schId = normalizeId(schema[schemaId] || baseId);
	    const baseIds = { "": schId };
	    const pathPrefix = getFullPath(uriResolver, schId, false);
	    const localRefs = {};
	    const schemaRefs = new Set();
	    traverse(schema, { allKeys: true }, (sch, jsonPtr, _, parentJsonPtr) => {
	        if (parentJsonPtr === undefined)
	            return;
	        const fullPath = pathPrefix + jsonPtr;
	        let innerBaseId = baseIds[parentJsonPtr];
	        if (typeof sch[schemaId] == "string")
	            innerBaseId = addRef.call(this, sch[schemaId]);
	        addAnchor.call(this, sch.$anchor);
	        addAnchor.call(this, sch.$dynamicAnchor);
	        baseIds[jsonPtr] = innerBaseId;
	        function addRef(ref) {
	            // eslint-disable-next-line @typescript-eslint/unbound-method
	            const _resolve = this.opts.uriResolver.resolve;
	            ref = normalizeId(innerBaseId ? _resolve(innerBaseId, ref) : ref);
	            if (schemaRefs.has(ref))
	                throw ambiguos(ref);
	            schemaRefs.add(ref);
	            let schOrRef = this.refs[ref];
	            if (typeof schOrRef == "string")
	                schOrRef = this.refs[schOrRef];
	            if (typeof schOrRef == "object") {
	                checkAmbiguosRef(sch, schOrRef.schema, ref);
	            }
	            else if (ref !== normalizeId(fullPath)) {
	                if (ref[0] === "#") {
	                    checkAmbiguosRef(sch, localRefs[ref], ref);
	                    localRefs[ref] = sch;
	                }
	                else {
	                    this.refs[ref] = fullPath;
	                }
	            }
	            return ref;
	        }
	        function addAnchor(anchor) {
	            if (typeof anchor == "string") {
	                if (!ANCHOR.test(anchor))
	                    throw new Error(`invalid anchor "${anchor}"`);
	                addRef.call(this, `#${anchor}`);
	            }
	        }
	    });
	    return localRefs;
	    function checkAmbiguosRef(sch1, sch2, ref) {
	        if (sch2 !== undefined && !equal(sch1, sch2))
	            throw ambiguos(ref);
	    }
	    function ambiguos(ref) {
	        return new Error(`reference "${ref}" resolves to more than one schema`);
	    }
	}
	resolve.getSchemaRefs = getSchemaRefs;
	
	return resolve;
}

var hasRequiredValidate;

function requireValidate () {
	if (hasRequiredValidate) return validate;
	hasRequiredValidate = 1;
	Object.defineProperty(validate, "__esModule", { value: true });
	validate.getData = validate.KeywordCxt = validate.validateFunctionCode = void 0;
	const boolSchema_1 = /*@__PURE__*/ requireBoolSchema();
	const dataType_1 = /*@__PURE__*/ requireDataType();
	const applicability_1 = /*@__PURE__*/ requireApplicability();
	const dataType_2 = /*@__PURE__*/ requireDataType();
	const defaults_1 = /*@__PURE__*/ requireDefaults();
	const keyword_1 = /*@__PURE__*/ requireKeyword();
	const subschema_1 = /*@__PURE__*/ requireSubschema();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const names_1 = /*@__PURE__*/ requireNames();
	const resolve_1 = /*@__PURE__*/ requireResolve();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const errors_1 = /*@__PURE__*/ requireErrors();
	// schema compilation - generates validation function, subschemaCode (below) is used for subschemas
	function validateFunctionCode(it) {
	    if (isSchemaObj(it)) {
	        checkKeywords(it);
	        if (schemaCxtHasRules(it)) {
	            topSchemaObjCode(it);
	            return;
	        }
	    }
	    validateFunction(it, () => (0, boolSchema_1.topBoolOrEmptySchema)(it));
	}
	validate.validateFunctionCode = validateFunctionCode;
	function validateFunction({ gen, validateName, schema, schemaEnv, opts }, body) {
	    if (opts.code.es5) {
	        gen.func(validateName, (0, codegen_1._) `${names_1.default.data}, ${names_1.default.valCxt}`, schemaEnv.$async, () => {
	            gen.code((0, codegen_1._) `"use strict"; ${funcSourceUrl(schema, opts)}`);
	            destructureValCxtES5(gen, opts);
	            gen.code(body);
	        });
	    }
	    else {
	        gen.func(validateName, (0, codegen_1._) `${names_1.default.data}, ${destructureValCxt(opts)}`, schemaEnv.$async, () => gen.code(funcSourceUrl(schema, opts)).code(body));
	    }
	}
	function destructureValCxt(opts) {
	    return (0, codegen_1._) `{${names_1.default.instancePath}="", ${names_1.default.parentData}, ${names_1.default.parentDataProperty}, ${names_1.default.rootData}=${names_1.default.data}${opts.dynamicRef ? (0, codegen_1._) `, ${names_1.default.dynamicAnchors}={}` : codegen_1.nil}}={}`;
	}
	function destructureValCxtES5(gen, opts) {
	    gen.if(names_1.default.valCxt, () => {
	        gen.var(names_1.default.instancePath, (0, codegen_1._) `${names_1.default.valCxt}.${names_1.default.instancePath}`);
	        gen.var(names_1.default.parentData, (0, codegen_1._) `${names_1.default.valCxt}.${names_1.default.parentData}`);
	        gen.var(names_1.default.parentDataProperty, (0, codegen_1._) `${names_1.default.valCxt}.${names_1.default.parentDataProperty}`);
	        gen.var(names_1.default.rootData, (0, codegen_1._) `${names_1.default.valCxt}.${names_1.default.rootData}`);
	        if (opts.dynamicRef)
	            gen.var(names_1.default.dynamicAnchors, (0, codegen_1._) `${names_1.default.valCxt}.${names_1.default.dynamicAnchors}`);
	    }, () => {
	        gen.var(names_1.default.instancePath, (0, codegen_1._) `""`);
	        gen.var(names_1.default.parentData, (0, codegen_1._) `undefined`);
	        gen.var(names_1.default.parentDataProperty, (0, codegen_1._) `undefined`);
	        gen.var(names_1.default.rootData, names_1.default.data);
	        if (opts.dynamicRef)
	            gen.var(names_1.default.dynamicAnchors, (0, codegen_1._) `{}`);
	    });
	}
	function topSchemaObjCode(it) {
	    const { schema, opts, gen } = it;
	    validateFunction(it, () => {
	        if (opts.$comment && schema.$comment)
	            commentKeyword(it);
	        checkNoDefault(it);
	        gen.let(names_1.default.vErrors, null);
	        gen.let(names_1.default.errors, 0);
	        if (opts.unevaluated)
	            resetEvaluated(it);
	        typeAndKeywords(it);
	        returnResults(it);
	    });
	    return;
	}
	function resetEvaluated(it) {
	    // TODO maybe some hook to execute it in the end to check whether props/items are Name, as in assignEvaluated
	    const { gen, validateName } = it;
	    it.evaluated = gen.const("evaluated", (0, codegen_1._) `${validateName}.evaluated`);
	    gen.if((0, codegen_1._) `${it.evaluated}.dynamicProps`, () => gen.assign((0, codegen_1._) `${it.evaluated}.props`, (0, codegen_1._) `undefined`));
	    gen.if((0, codegen_1._) `${it.evaluated}.dynamicItems`, () => gen.assign((0, codegen_1._) `${it.evaluated}.items`, (0, codegen_1._) `undefined`));
	}
	function funcSourceUrl(schema, opts) {
	    const schId = typeof schema == "object" && schema[opts.schemaId];
	    return schId && (opts.code.source || opts.code.process) ? (0, codegen_1._) `/*# sourceURL=${schId} */` : codegen_1.nil;
	}
	// schema compilation - this function is used recursively to generate code for sub-schemas
	function subschemaCode(it, valid) {
	    if (isSchemaObj(it)) {
	        checkKeywords(it);
	        if (schemaCxtHasRules(it)) {
	            subSchemaObjCode(it, valid);
	            return;
	        }
	    }
	    (0, boolSchema_1.boolOrEmptySchema)(it, valid);
	}
	function schemaCxtHasRules({ schema, self }) {
	    if (typeof schema == "boolean")
	        return !schema;
	    for (const key in schema)
	        if (self.RULES.all[key])
	            return true;
	    return false;
	}
	function isSchemaObj(it) {
	    return typeof it.schema != "boolean";
	}
	function subSchemaObjCode(it, valid) {
	    const { schema, gen, opts } = it;
	    if (opts.$comment && schema.$comment)
	        commentKeyword(it);
	    updateContext(it);
	    checkAsyncSchema(it);
	    const errsCount = gen.const("_errs", names_1.default.errors);
	    typeAndKeywords(it, errsCount);
	    // TODO var
	    gen.var(valid, (0, codegen_1._) `${errsCount} === ${names_1.default.errors}`);
	}
	function checkKeywords(it) {
	    (0, util_1.checkUnknownRules)(it);
	    checkRefsAndKeywords(it);
	}
	function typeAndKeywords(it, errsCount) {
	    if (it.opts.jtd)
	        return schemaKeywords(it, [], false, errsCount);
	    const types = (0, dataType_1.getSchemaTypes)(it.schema);
	    const checkedTypes = (0, dataType_1.coerceAndCheckDataType)(it, types);
	    schemaKeywords(it, types, !checkedTypes, errsCount);
	}
	function checkRefsAndKeywords(it) {
	    const { schema, errSchemaPath, opts, self } = it;
	    if (schema.$ref && opts.ignoreKeywordsWithRef && (0, util_1.schemaHasRulesButRef)(schema, self.RULES)) {
	        self.logger.warn(`$ref: keywords ignored in schema at path "${errSchemaPath}"`);
	    }
	}
	function checkNoDefault(it) {
	    const { schema, opts } = it;
	    if (schema.default !== undefined && opts.useDefaults && opts.strictSchema) {
	        (0, util_1.checkStrictMode)(it, "default is ignored in the schema root");
	    }
	}
	function updateContext(it) {
	    const schId = it.schema[it.opts.schemaId];
	    if (schId)
	        it.baseId = (0, resolve_1.resolveUrl)(it.opts.uriResolver, it.baseId, schId);
	}
	function checkAsyncSchema(it) {
	    if (it.schema.$async && !it.schemaEnv.$async)
	        throw new Error("async schema in sync schema");
	}
	function commentKeyword({ gen, schemaEnv, schema, errSchemaPath, opts }) {
	    const msg = schema.$comment;
	    if (opts.$comment === true) {
	        gen.code((0, codegen_1._) `${names_1.default.self}.logger.log(${msg})`);
	    }
	    else if (typeof opts.$comment == "function") {
	        const schemaPath = (0, codegen_1.str) `${errSchemaPath}/$comment`;
	        const rootName = gen.scopeValue("root", { ref: schemaEnv.root });
	        gen.code((0, codegen_1._) `${names_1.default.self}.opts.$comment(${msg}, ${schemaPath}, ${rootName}.schema)`);
	    }
	}
	function returnResults(it) {
	    const { gen, schemaEnv, validateName, ValidationError, opts } = it;
	    if (schemaEnv.$async) {
	        // TODO assign unevaluated
	        gen.if((0, codegen_1._) `${names_1.default.errors} === 0`, () => gen.return(names_1.default.data), () => gen.throw((0, codegen_1._) `new ${ValidationError}(${names_1.default.vErrors})`));
	    }
	    else {
	        gen.assign((0, codegen_1._) `${validateName}.errors`, names_1.default.vErrors);
	        if (opts.unevaluated)
	            assignEvaluated(it);
	        gen.return((0, codegen_1._) `${names_1.default.errors} === 0`);
	    }
	}
	function assignEvaluated({ gen, evaluated, props, items }) {
	    if (props instanceof codegen_1.Name)
	        gen.assign((0, codegen_1._) `${evaluated}.props`, props);
	    if (items instanceof codegen_1.Name)
	        gen.assign((0, codegen_1._) `${evaluated}.items`, items);
	}
	function schemaKeywords(it, types, typeErrors, errsCount) {
	    const { gen, schema, data, allErrors, opts, self } = it;
	    const { RULES } = self;
	    if (schema.$ref && (opts.ignoreKeywordsWithRef || !(0, util_1.schemaHasRulesButRef)(schema, RULES))) {
	        gen.block(() => keywordCode(it, "$ref", RULES.all.$ref.definition)); // TODO typecast
	        return;
	    }
	    if (!opts.jtd)
	        checkStrictTypes(it, types);
	    gen.block(() => {
	        for (const group of RULES.rules)
	            groupKeywords(group);
	        groupKeywords(RULES.post);
	    });
	    function groupKeywords(group) {
	        if (!(0, applicability_1.shouldUseGroup)(schema, group))
	            return;
	        if (group.type) {
	            gen.if((0, dataType_2.checkDataType)(group.type, data, opts.strictNumbers));
	            iterateKeywords(it, group);
	            if (types.length === 1 && types[0] === group.type && typeErrors) {
	                gen.else();
	                (0, dataType_2.reportTypeError)(it);
	            }
	            gen.endIf();
	        }
	        else {
	            iterateKeywords(it, group);
	        }
	        // TODO make it "ok" call?
	        if (!allErrors)
	            gen.if((0, codegen_1._) `${names_1.default.errors} === ${errsCount || 0}`);
	    }
	}
	function iterateKeywords(it, group) {
	    const { gen, schema, opts: { useDefaults }, } = it;
	    if (useDefaults)
	        (0, defaults_1.assignDefaults)(it, group.type);
	    gen.block(() => {
	        for (const rule of group.rules) {
	            if ((0, applicability_1.shouldUseRule)(schema, rule)) {
	                keywordCode(it, rule.keyword, rule.definition, group.type);
	            }
	        }
	    });
	}
	function checkStrictTypes(it, types) {
	    if (it.schemaEnv.meta || !it.opts.strictTypes)
	        return;
	    checkContextTypes(it, types);
	    if (!it.opts.allowUnionTypes)
	        checkMultipleTypes(it, types);
	    checkKeywordTypes(it, it.dataTypes);
	}
	function checkContextTypes(it, types) {
	    if (!types.length)
	        return;
	    if (!it.dataTypes.length) {
	        it.dataTypes = types;
	        return;
	    }
	    types.forEach((t) => {
	        if (!includesType(it.dataTypes, t)) {
	            strictTypesError(it, `type "${t}" not allowed by context "${it.dataTypes.join(",")}"`);
	        }
	    });
	    narrowSchemaTypes(it, types);
	}
	function checkMultipleTypes(it, ts) {
	    if (ts.length > 1 && !(ts.length === 2 && ts.includes("null"))) {
	        strictTypesError(it, "use allowUnionTypes to allow union type keyword");
	    }
	}
	function checkKeywordTypes(it, ts) {
	    const rules = it.self.RULES.all;
	    for (const keyword in rules) {
	        const rule = rules[keyword];
	        if (typeof rule == "object" && (0, applicability_1.shouldUseRule)(it.schema, rule)) {
	            const { type } = rule.definition;
	            if (type.length && !type.some((t) => hasApplicableType(ts, t))) {
	                strictTypesError(it, `missing type "${type.join(",")}" for keyword "${keyword}"`);
	            }
	        }
	    }
	}
	function hasApplicableType(schTs, kwdT) {
	    return schTs.includes(kwdT) || (kwdT === "number" && schTs.includes("integer"));
	}
	function includesType(ts, t) {
	    return ts.includes(t) || (t === "integer" && ts.includes("number"));
	}
	function narrowSchemaTypes(it, withTypes) {
	    const ts = [];
	    for (const t of it.dataTypes) {
	        if (includesType(withTypes, t))
	            ts.push(t);
	        else if (withTypes.includes("integer") && t === "number")
	            ts.push("integer");
	    }
	    it.dataTypes = ts;
	}
	function strictTypesError(it, msg) {
	    const schemaPath = it.schemaEnv.baseId + it.errSchemaPath;
	    msg += ` at "${schemaPath}" (strictTypes)`;
	    (0, util_1.checkStrictMode)(it, msg, it.opts.strictTypes);
	}
	class KeywordCxt {
	    constructor(it, def, keyword) {
	        (0, keyword_1.validateKeywordUsage)(it, def, keyword);
	        this.gen = it.gen;
	        this.allErrors = it.allErrors;
	        this.keyword = keyword;
	        this.data = it.data;
	        this.schema = it.schema[keyword];
	        this.$data = def.$data && it.opts.$data && this.schema && this.schema.$data;
	        this.schemaValue = (0, util_1.schemaRefOrVal)(it, this.schema, keyword, this.$data);
	        this.schemaType = def.schemaType;
	        this.parentSchema = it.schema;
	        this.params = {};
	        this.it = it;
	        this.def = def;
	        if (this.$data) {
	            this.schemaCode = it.gen.const("vSchema", getData(this.$data, it));
	        }
	        else {
	            this.schemaCode = this.schemaValue;
	            if (!(0, keyword_1.validSchemaType)(this.schema, def.schemaType, def.allowUndefined)) {
	                throw new Error(`${keyword} value must be ${JSON.stringify(def.schemaType)}`);
	            }
	        }
	        if ("code" in def ? def.trackErrors : def.errors !== false) {
	            this.errsCount = it.gen.const("_errs", names_1.default.errors);
	        }
	    }
	    result(condition, successAction, failAction) {
	        this.failResult((0, codegen_1.not)(condition), successAction, failAction);
	    }
	    failResult(condition, successAction, failAction) {
	        this.gen.if(condition);
	        if (failAction)
	            failAction();
	        else
	            this.error();
	        if (successAction) {
	            this.gen.else();
	            successAction();
	            if (this.allErrors)
	                this.gen.endIf();
	        }
	        else {
	            if (this.allErrors)
	                this.gen.endIf();
	            else
	                this.gen.else();
	        }
	    }
	    pass(condition, failAction) {
	        this.failResult((0, codegen_1.not)(condition), undefined, failAction);
	    }
	    fail(condition) {
	        if (condition === undefined) {
	            this.error();
	            if (!this.allErrors)
	                this.gen.if(false); // this branch will be removed by gen.optimize
	            return;
	        }
	        this.gen.if(condition);
	        this.error();
	        if (this.allErrors)
	            this.gen.endIf();
	        else
	            this.gen.else();
	    }
	    fail$data(condition) {
	        if (!this.$data)
	            return this.fail(condition);
	        const { schemaCode } = this;
	        this.fail((0, codegen_1._) `${schemaCode} !== undefined && (${(0, codegen_1.or)(this.invalid$data(), condition)})`);
	    }
	    error(append, errorParams, errorPaths) {
	        if (errorParams) {
	            this.setParams(errorParams);
	            this._error(append, errorPaths);
	            this.setParams({});
	            return;
	        }
	        this._error(append, errorPaths);
	    }
	    _error(append, errorPaths) {
	        (append ? errors_1.reportExtraError : errors_1.reportError)(this, this.def.error, errorPaths);
	    }
	    $dataError() {
	        (0, errors_1.reportError)(this, this.def.$dataError || errors_1.keyword$DataError);
	    }
	    reset() {
	        if (this.errsCount === undefined)
	            throw new Error('add "trackErrors" to keyword definition');
	        (0, errors_1.resetErrorsCount)(this.gen, this.errsCount);
	    }
	    ok(cond) {
	        if (!this.allErrors)
	            this.gen.if(cond);
	    }
	    setParams(obj, assign) {
	        if (assign)
	            Object.assign(this.params, obj);
	        else
	            this.params = obj;
	    }
	    block$data(valid, codeBlock, $dataValid = codegen_1.nil) {
	        this.gen.block(() => {
	            this.check$data(valid, $dataValid);
	            codeBlock();
	        });
	    }
	    check$data(valid = codegen_1.nil, $dataValid = codegen_1.nil) {
	        if (!this.$data)
	            return;
	        const { gen, schemaCode, schemaType, def } = this;
	        gen.if((0, codegen_1.or)((0, codegen_1._) `${schemaCode} === undefined`, $dataValid));
	        if (valid !== codegen_1.nil)
	            gen.assign(valid, true);
	        if (schemaType.length || def.validateSchema) {
	            gen.elseIf(this.invalid$data());
	            this.$dataError();
	            if (valid !== codegen_1.nil)
	                gen.assign(valid, false);
	        }
	        gen.else();
	    }
	    invalid$data() {
	        const { gen, schemaCode, schemaType, def, it } = this;
	        return (0, codegen_1.or)(wrong$DataType(), invalid$DataSchema());
	        function wrong$DataType() {
	            if (schemaType.length) {
	                /* istanbul ignore if */
	                if (!(schemaCode instanceof codegen_1.Name))
	                    throw new Error("ajv implementation error");
	                const st = Array.isArray(schemaType) ? schemaType : [schemaType];
	                return (0, codegen_1._) `${(0, dataType_2.checkDataTypes)(st, schemaCode, it.opts.strictNumbers, dataType_2.DataType.Wrong)}`;
	            }
	            return codegen_1.nil;
	        }
	        function invalid$DataSchema() {
	            if (def.validateSchema) {
	                const validateSchemaRef = gen.scopeValue("validate$data", { ref: def.validateSchema }); // TODO value.code for standalone
	                return (0, codegen_1._) `!${validateSchemaRef}(${schemaCode})`;
	            }
	            return codegen_1.nil;
	        }
	    }
	    subschema(appl, valid) {
	        const subschema = (0, subschema_1.getSubschema)(this.it, appl);
	        (0, subschema_1.extendSubschemaData)(subschema, this.it, appl);
	        (0, subschema_1.extendSubschemaMode)(subschema, appl);
	        const nextContext = { ...this.it, ...subschema, items: undefined, props: undefined };
	        subschemaCode(nextContext, valid);
	        return nextContext;
	    }
	    mergeEvaluated(schemaCxt, toName) {
	        const { it, gen } = this;
	        if (!it.opts.unevaluated)
	            return;
	        if (it.props !== true && schemaCxt.props !== undefined) {
	            it.props = util_1.mergeEvaluated.props(gen, schemaCxt.props, it.props, toName);
	        }
	        if (it.items !== true && schemaCxt.items !== undefined) {
	            it.items = util_1.mergeEvaluated.items(gen, schemaCxt.items, it.items, toName);
	        }
	    }
	    mergeValidEvaluated(schemaCxt, valid) {
	        const { it, gen } = this;
	        if (it.opts.unevaluated && (it.props !== true || it.items !== true)) {
	            gen.if(valid, () => this.mergeEvaluated(schemaCxt, codegen_1.Name));
	            return true;
	        }
	    }
	}
	validate.KeywordCxt = KeywordCxt;
	function keywordCode(it, keyword, def, ruleType) {
	    const cxt = new KeywordCxt(it, def, keyword);
	    if ("code" in def) {
	        def.code(cxt, ruleType);
	    }
	    else if (cxt.$data && def.validate) {
	        (0, keyword_1.funcKeywordCode)(cxt, def);
	    }
	    else if ("macro" in def) {
	        (0, keyword_1.macroKeywordCode)(cxt, def);
	    }
	    else if (def.compile || def.validate) {
	        (0, keyword_1.funcKeywordCode)(cxt, def);
	    }
	}
	const JSON_POINTER = /^\/(?:[^~]|~0|~1)*$/;
	const RELATIVE_JSON_POINTER = /^([0-9]+)(#|\/(?:[^~]|~0|~1)*)?$/;
	function getData($data, { dataLevel, dataNames, dataPathArr }) {
	    let jsonPointer;
	    let data;
	    if ($data === "")
	        return names_1.default.rootData;
	    if ($data[0] === "/") {
	        if (!JSON_POINTER.test($data))
	            throw new Error(`Invalid JSON-pointer: ${$data}`);
	        jsonPointer = $data;
	        data = names_1.default.rootData;
	    }
	    else {
	        const matches = RELATIVE_JSON_POINTER.exec($data);
	        if (!matches)
	            throw new Error(`Invalid JSON-pointer: ${$data}`);
	        const up = +matches[1];
	        jsonPointer = matches[2];
	        if (jsonPointer === "#") {
	            if (up >= dataLevel)
	                throw new Error(errorMsg("property/index", up));
	            return dataPathArr[dataLevel - up];
	        }
	        if (up > dataLevel)
	            throw new Error(errorMsg("data", up));
	        data = dataNames[dataLevel - up];
	        if (!jsonPointer)
	            return data;
	    }
	    let expr = data;
	    const segments = jsonPointer.split("/");
	    for (const segment of segments) {
	        if (segment) {
	            data = (0, codegen_1._) `${data}${(0, codegen_1.getProperty)((0, util_1.unescapeJsonPointer)(segment))}`;
	            expr = (0, codegen_1._) `${expr} && ${data}`;
	        }
	    }
	    return expr;
	    function errorMsg(pointerType, up) {
	        return `Cannot access ${pointerType} ${up} levels up, current level is ${dataLevel}`;
	    }
	}
	validate.getData = getData;
	
	return validate;
}

var validation_error = {};

var hasRequiredValidation_error;

function requireValidation_error () {
	if (hasRequiredValidation_error) return validation_error;
	hasRequiredValidation_error = 1;
	Object.defineProperty(validation_error, "__esModule", { value: true });
	class ValidationError extends Error {
	    constructor(errors) {
	        super("validation failed");
	        this.errors = errors;
	        this.ajv = this.validation = true;
	    }
	}
	validation_error.default = ValidationError;
	
	return validation_error;
}

var ref_error = {};

var hasRequiredRef_error;

function requireRef_error () {
	if (hasRequiredRef_error) return ref_error;
	hasRequiredRef_error = 1;
	Object.defineProperty(ref_error, "__esModule", { value: true });
	const resolve_1 = /*@__PURE__*/ requireResolve();
	class MissingRefError extends Error {
	    constructor(resolver, baseId, ref, msg) {
	        super(msg || `can't resolve reference ${ref} from id ${baseId}`);
	        this.missingRef = (0, resolve_1.resolveUrl)(resolver, baseId, ref);
	        this.missingSchema = (0, resolve_1.normalizeId)((0, resolve_1.getFullPath)(resolver, this.missingRef));
	    }
	}
	ref_error.default = MissingRefError;
	
	return ref_error;
}

var compile = {};

var hasRequiredCompile;

function requireCompile () {
	if (hasRequiredCompile) return compile;
	hasRequiredCompile = 1;
	Object.defineProperty(compile, "__esModule", { value: true });
	compile.resolveSchema = compile.getCompilingSchema = compile.resolveRef = compile.compileSchema = compile.SchemaEnv = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const validation_error_1 = /*@__PURE__*/ requireValidation_error();
	const names_1 = /*@__PURE__*/ requireNames();
	const resolve_1 = /*@__PURE__*/ requireResolve();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const validate_1 = /*@__PURE__*/ requireValidate();
	class SchemaEnv {
	    constructor(env) {
	        var _a;
	        this.refs = {};
	        this.dynamicAnchors = {};
	        let schema;
	        if (typeof env.schema == "object")
	            schema = env.schema;
	        this.schema = env.schema;
	        this.schemaId = env.schemaId;
	        this.root = env.root || this;
	        this.baseId = (_a = env.baseId) !== null && _a !== void 0 ? _a : (0, resolve_1.normalizeId)(schema === null || schema === void 0 ? void 0 : schema[env.schemaId || "$id"]);
	        this.schemaPath = env.schemaPath;
	        this.localRefs = env.localRefs;
	        this.meta = env.meta;
	        this.$async = schema === null || schema === void 0 ? void 0 : schema.$async;
	        this.refs = {};
	    }
	}
	compile.SchemaEnv = SchemaEnv;
	// let codeSize = 0
	// let nodeCount = 0
	// Compiles schema in SchemaEnv
	function compileSchema(sch) {
	    // TODO refactor - remove compilations
	    const _sch = getCompilingSchema.call(this, sch);
	    if (_sch)
	        return _sch;
	    const rootId = (0, resolve_1.getFullPath)(this.opts.uriResolver, sch.root.baseId); // TODO if getFullPath removed 1 tests fails
	    const { es5, lines } = this.opts.code;
	    const { ownProperties } = this.opts;
	    const gen = new codegen_1.CodeGen(this.scope, { es5, lines, ownProperties });
	    let _ValidationError;
	    if (sch.$async) {
	        _ValidationError = gen.scopeValue("Error", {
	            ref: validation_error_1.default,
	            code: (0, codegen_1._) `require("ajv/dist/runtime/validation_error").default`,
	        });
	    }
	    const validateName = gen.scopeName("validate");
	    sch.validateName = validateName;
	    const schemaCxt = {
	        gen,
	        allErrors: this.opts.allErrors,
	        data: names_1.default.data,
	        parentData: names_1.default.parentData,
	        parentDataProperty: names_1.default.parentDataProperty,
	        dataNames: [names_1.default.data],
	        dataPathArr: [codegen_1.nil], // TODO can its length be used as dataLevel if nil is removed?
	        dataLevel: 0,
	        dataTypes: [],
	        definedProperties: new Set(),
	        topSchemaRef: gen.scopeValue("schema", this.opts.code.source === true
	            ? { ref: sch.schema, code: (0, codegen_1.stringify)(sch.schema) }
	            : { ref: sch.schema }),
	        validateName,
	        ValidationError: _ValidationError,
	        schema: sch.schema,
	        schemaEnv: sch,
	        rootId,
	        baseId: sch.baseId || rootId,
	        schemaPath: codegen_1.nil,
	        errSchemaPath: sch.schemaPath || (this.opts.jtd ? "" : "#"),
	        errorPath: (0, codegen_1._) `""`,
	        opts: this.opts,
	        self: this,
	    };
	    let sourceCode;
	    try {
	        this._compilations.add(sch);
	        (0, validate_1.validateFunctionCode)(schemaCxt);
	        gen.optimize(this.opts.code.optimize);
	        // gen.optimize(1)
	        const validateCode = gen.toString();
	        sourceCode = `${gen.scopeRefs(names_1.default.scope)}return ${validateCode}`;
	        // console.log((codeSize += sourceCode.length), (nodeCount += gen.nodeCount))
	        if (this.opts.code.process)
	            sourceCode = this.opts.code.process(sourceCode, sch);
	        // console.log("\n\n\n *** \n", sourceCode)
	        const makeValidate = new Function(`${names_1.default.self}`, `${names_1.default.scope}`, sourceCode);
	        const validate = makeValidate(this, this.scope.get());
	        this.scope.value(validateName, { ref: validate });
	        validate.errors = null;
	        validate.schema = sch.schema;
	        validate.schemaEnv = sch;
	        if (sch.$async)
	            validate.$async = true;
	        if (this.opts.code.source === true) {
	            validate.source = { validateName, validateCode, scopeValues: gen._values };
	        }
	        if (this.opts.unevaluated) {
	            const { props, items } = schemaCxt;
	            validate.evaluated = {
	                props: props instanceof codegen_1.Name ? undefined : props,
	                items: items instanceof codegen_1.Name ? undefined : items,
	                dynamicProps: props instanceof codegen_1.Name,
	                dynamicItems: items instanceof codegen_1.Name,
	            };
	            if (validate.source)
	                validate.source.evaluated = (0, codegen_1.stringify)(validate.evaluated);
	        }
	        sch.validate = validate;
	        return sch;
	    }
	    catch (e) {
	        delete sch.validate;
	        delete sch.validateName;
	        if (sourceCode)
	            this.logger.error("Error compiling schema, function code:", sourceCode);
	        // console.log("\n\n\n *** \n", sourceCode, this.opts)
	        throw e;
	    }
	    finally {
	        this._compilations.delete(sch);
	    }
	}
	compile.compileSchema = compileSchema;
	function resolveRef(root, baseId, ref) {
	    var _a;
	    ref = (0, resolve_1.resolveUrl)(this.opts.uriResolver, baseId, ref);
	    const schOrFunc = root.refs[ref];
	    if (schOrFunc)
	        return schOrFunc;
	    let _sch = resolve.call(this, root, ref);
	    if (_sch === undefined) {
	        const schema = (_a = root.localRefs) === null || _a === void 0 ? void 0 : _a[ref]; // TODO maybe localRefs should hold SchemaEnv
	        const { schemaId } = this.opts;
	        if (schema)
	            _sch = new SchemaEnv({ schema, schemaId, root, baseId });
	    }
	    if (_sch === undefined)
	        return;
	    return (root.refs[ref] = inlineOrCompile.call(this, _sch));
	}
	compile.resolveRef = resolveRef;
	function inlineOrCompile(sch) {
	    if ((0, resolve_1.inlineRef)(sch.schema, this.opts.inlineRefs))
	        return sch.schema;
	    return sch.validate ? sch : compileSchema.call(this, sch);
	}
	// Index of schema compilation in the currently compiled list
	function getCompilingSchema(schEnv) {
	    for (const sch of this._compilations) {
	        if (sameSchemaEnv(sch, schEnv))
	            return sch;
	    }
	}
	compile.getCompilingSchema = getCompilingSchema;
	function sameSchemaEnv(s1, s2) {
	    return s1.schema === s2.schema && s1.root === s2.root && s1.baseId === s2.baseId;
	}
	// resolve and compile the references ($ref)
	// TODO returns AnySchemaObject (if the schema can be inlined) or validation function
	function resolve(root, // information about the root schema for the current schema
	ref // reference to resolve
	) {
	    let sch;
	    while (typeof (sch = this.refs[ref]) == "string")
	        ref = sch;
	    return sch || this.schemas[ref] || resolveSchema.call(this, root, ref);
	}
	// Resolve schema, its root and baseId
	function resolveSchema(root, // root object with properties schema, refs TODO below SchemaEnv is assigned to it
	ref // reference to resolve
	) {
	    const p = this.opts.uriResolver.parse(ref);
	    const refPath = (0, resolve_1._getFullPath)(this.opts.uriResolver, p);
	    let baseId = (0, resolve_1.getFullPath)(this.opts.uriResolver, root.baseId, undefined);
	    // TODO `Object.keys(root.schema).length > 0` should not be needed - but removing breaks 2 tests
	    if (Object.keys(root.schema).length > 0 && refPath === baseId) {
	        return getJsonPointer.call(this, p, root);
	    }
	    const id = (0, resolve_1.normalizeId)(refPath);
	    const schOrRef = this.refs[id] || this.schemas[id];
	    if (typeof schOrRef == "string") {
	        const sch = resolveSchema.call(this, root, schOrRef);
	        if (typeof (sch === null || sch === void 0 ? void 0 : sch.schema) !== "object")
	            return;
	        return getJsonPointer.call(this, p, sch);
	    }
	    if (typeof (schOrRef === null || schOrRef === void 0 ? void 0 : schOrRef.schema) !== "object")
	        return;
	    if (!schOrRef.validate)
	        compileSchema.call(this, schOrRef);
	    if (id === (0, resolve_1.normalizeId)(ref)) {
	        const { schema } = schOrRef;
	        const { schemaId } = this.opts;
	        const schId = schema[schemaId];
	        if (schId)
	            baseId = (0, resolve_1.resolveUrl)(this.opts.uriResolver, baseId, schId);
	        return new SchemaEnv({ schema, schemaId, root, baseId });
	    }
	    return getJsonPointer.call(this, p, schOrRef);
	}
	compile.resolveSchema = resolveSchema;
	const PREVENT_SCOPE_CHANGE = new Set([
	    "properties",
	    "patternProperties",
	    "enum",
	    "dependencies",
	    "definitions",
	]);
	function getJsonPointer(parsedRef, { baseId, schema, root }) {
	    var _a;
	    if (((_a = parsedRef.fragment) === null || _a === void 0 ? void 0 : _a[0]) !== "/")
	        return;
	    for (const part of parsedRef.fragment.slice(1).split("/")) {
	        if (typeof schema === "boolean")
	            return;
	        const partSchema = schema[(0, util_1.unescapeFragment)(part)];
	        if (partSchema === undefined)
	            return;
	        schema = partSchema;
	        // TODO PREVENT_SCOPE_CHANGE could be defined in keyword def?
	        const schId = typeof schema === "object" && schema[this.opts.schemaId];
	        if (!PREVENT_SCOPE_CHANGE.has(part) && schId) {
	            baseId = (0, resolve_1.resolveUrl)(this.opts.uriResolver, baseId, schId);
	        }
	    }
	    let env;
	    if (typeof schema != "boolean" && schema.$ref && !(0, util_1.schemaHasRulesButRef)(schema, this.RULES)) {
	        const $ref = (0, resolve_1.resolveUrl)(this.opts.uriResolver, baseId, schema.$ref);
	        env = resolveSchema.call(this, root, $ref);
	    }
	    // even though resolution failed we need to return SchemaEnv to throw exception
	    // so that compileAsync loads missing schema.
	    const { schemaId } = this.opts;
	    env = env || new SchemaEnv({ schema, schemaId, root, baseId });
	    if (env.schema !== env.root.schema)
	        return env;
	    return undefined;
	}
	
	return compile;
}

var $id$1 = "https://raw.githubusercontent.com/ajv-validator/ajv/master/lib/refs/data.json#";
var description = "Meta-schema for $data reference (JSON AnySchema extension proposal)";
var type$1 = "object";
var required$1 = [
	"$data"
];
var properties$2 = {
	$data: {
		type: "string",
		anyOf: [
			{
				format: "relative-json-pointer"
			},
			{
				format: "json-pointer"
			}
		]
	}
};
var additionalProperties$1 = false;
var require$$9 = {
	$id: $id$1,
	description: description,
	type: type$1,
	required: required$1,
	properties: properties$2,
	additionalProperties: additionalProperties$1
};

var uri = {};

var fastUri = {exports: {}};

var utils$2;
var hasRequiredUtils$2;

function requireUtils$2 () {
	if (hasRequiredUtils$2) return utils$2;
	hasRequiredUtils$2 = 1;

	/** @type {(value: string) => boolean} */
	const isUUID = RegExp.prototype.test.bind(/^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/iu);

	/** @type {(value: string) => boolean} */
	const isIPv4 = RegExp.prototype.test.bind(/^(?:(?:25[0-5]|2[0-4]\d|1\d{2}|[1-9]\d|\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d{2}|[1-9]\d|\d)$/u);

	/** @type {(value: string) => boolean} */
	const isPort = RegExp.prototype.test.bind(/^\d*$/u);

	/** @type {(value: string) => boolean} */
	const isHexPair = RegExp.prototype.test.bind(/^[\da-f]{2}$/iu);

	/** @type {(value: string) => boolean} */
	const isUnreserved = RegExp.prototype.test.bind(/^[\da-z\-._~]$/iu);

	/** @type {(value: string) => boolean} */
	const isPathCharacter = RegExp.prototype.test.bind(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/u);

	/** @type {(value: string) => boolean} */
	const isQueryFragmentCharacter = RegExp.prototype.test.bind(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/?]$/u);

	/** @type {(value: string) => boolean} */
	const isUserinfoCharacter = RegExp.prototype.test.bind(/^[A-Za-z0-9\-._~!$&'()*+,;=:]$/u);

	const BYTE_HEX = new Array(256);
	{
	  const HEX_DIGITS = '0123456789ABCDEF';
	  for (let i = 0; i < 256; i++) {
	    BYTE_HEX[i] = '%' + HEX_DIGITS[i >> 4] + HEX_DIGITS[i & 0xF];
	  }
	}
	function percentEncodeNonAscii (cp) {
	  if (cp < 0x800) {
	    return BYTE_HEX[0xC0 | (cp >> 6)] +
	           BYTE_HEX[0x80 | (cp & 0x3F)]
	  }
	  if (cp < 0x10000) {
	    return BYTE_HEX[0xE0 | (cp >> 12)] +
	           BYTE_HEX[0x80 | ((cp >> 6) & 0x3F)] +
	           BYTE_HEX[0x80 | (cp & 0x3F)]
	  }
	  return BYTE_HEX[0xF0 | (cp >> 18)] +
	         BYTE_HEX[0x80 | ((cp >> 12) & 0x3F)] +
	         BYTE_HEX[0x80 | ((cp >> 6) & 0x3F)] +
	         BYTE_HEX[0x80 | (cp & 0x3F)]
	}

	/**
	 * @param {Array<string>} input
	 * @returns {string}
	 */
	function stringArrayToHexStripped (input) {
	  let acc = '';
	  let code = 0;
	  let i = 0;

	  for (i = 0; i < input.length; i++) {
	    code = input[i].charCodeAt(0);
	    if (code === 48) {
	      continue
	    }
	    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102))) {
	      return ''
	    }
	    acc += input[i];
	    break
	  }

	  for (i += 1; i < input.length; i++) {
	    code = input[i].charCodeAt(0);
	    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102))) {
	      return ''
	    }
	    acc += input[i];
	  }
	  return acc
	}

	/** @type {(value: string) => boolean} */
	const isHextet = RegExp.prototype.test.bind(/^[\dA-Fa-f]{1,4}$/);

	/** @type {(value: string) => boolean} */
	const isIPvFuture = RegExp.prototype.test.bind(/^[vV][\dA-Fa-f]+\.[A-Za-z\d\-._~!$&'()*+,;=:]+$/);

	/** @type {(value: string) => boolean} */
	const isZoneCharacter = RegExp.prototype.test.bind(/^[A-Za-z\d\-._~]$/);

	/**
	 * @param {string} value
	 * @returns {boolean}
	 */
	const nonSimpleDomain = RegExp.prototype.test.bind(/[^!"$&'()*+,\-.;=_`a-z{}~]/u);

	/**
	 * @param {string} zone
	 * @returns {boolean}
	 */
	function isZoneIdentifier (zone) {
	  if (zone.length === 0) return false

	  for (let i = 0; i < zone.length; i++) {
	    if (isZoneCharacter(zone[i])) continue
	    if (zone[i] === '%' && i + 2 < zone.length && isHexPair(zone.slice(i + 1, i + 3))) {
	      i += 2;
	      continue
	    }
	    return false
	  }

	  return true
	}

	/**
	 * Compresses the longest run of zero hextets to "::" per RFC 5952. A run of a
	 * single zero hextet is left uncompressed. On ties the leftmost run wins.
	 *
	 * @param {string[]} hextets
	 * @returns {string}
	 */
	function compressIPv6ZeroRun (hextets) {
	  let bestStart = -1;
	  let bestLength = 0;
	  let runStart = -1;
	  let runLength = 0;
	  for (let i = 0; i < hextets.length; i++) {
	    if (hextets[i] === '0') {
	      if (runStart === -1) runStart = i;
	      runLength++;
	      if (runLength > bestLength) {
	        bestLength = runLength;
	        bestStart = runStart;
	      }
	    } else {
	      runStart = -1;
	      runLength = 0;
	    }
	  }

	  if (bestLength < 2) return hextets.join(':')

	  const head = hextets.slice(0, bestStart).join(':');
	  const tail = hextets.slice(bestStart + bestLength).join(':');
	  return head + '::' + tail
	}

	/**
	 * Validates an IPv6 address against the alternatives in RFC 3986 section
	 * 3.2.2 and returns the same address with leading hextet zeroes removed.
	 * An embedded IPv4 address counts as two hextets and is only valid at the end.
	 *
	 * @param {string} input
	 * @returns {string|undefined}
	 */
	function normalizeIPv6Address (input) {
	  const compression = input.indexOf('::');
	  if (compression !== -1 && input.indexOf('::', compression + 1) !== -1) return undefined

	  const left = compression === -1 ? input.split(':') : input.slice(0, compression).split(':');
	  const right = compression === -1 ? [] : input.slice(compression + 2).split(':');
	  if (compression !== -1) {
	    if (left.length === 1 && left[0] === '') left.length = 0;
	    if (right.length === 1 && right[0] === '') right.length = 0;
	  }

	  const parts = left.concat(right);
	  let hextetCount = 0;
	  for (let i = 0; i < parts.length; i++) {
	    const part = parts[i];
	    if (part === '') return undefined

	    if (part.indexOf('.') !== -1) {
	      if (i !== parts.length - 1 || (compression !== -1 && right.length === 0) || !isIPv4(part)) return undefined
	      hextetCount += 2;
	      continue
	    }

	    if (!isHextet(part)) return undefined
	    parts[i] = parseInt(part, 16).toString(16);
	    hextetCount++;
	  }

	  if (compression === -1) {
	    if (hextetCount !== 8) return undefined
	    return compressIPv6ZeroRun(parts)
	  }
	  if (hextetCount >= 8) return undefined

	  // expand "::" then re-compress the longest run for a canonical result
	  const expanded = parts.slice(0, left.length);
	  for (let i = hextetCount; i < 8; i++) expanded.push('0');
	  for (let i = left.length; i < parts.length; i++) expanded.push(parts[i]);
	  return compressIPv6ZeroRun(expanded)
	}

	/**
	 * @typedef {Object} NormalizeIPv6Result
	 * @property {string} host - The normalized host.
	 * @property {string} [escapedHost] - The escaped host.
	 * @property {boolean} isIPV6 - Indicates if the host is an IPv6 address.
	 * @property {boolean} [isIPVFuture] - Indicates if the host is an IPvFuture literal.
	 * @property {boolean} [error] - Indicates if a bracketed IP literal is malformed.
	 */

	/**
	 * Validates and normalizes a bracketed IP literal. Raw zone separators remain
	 * accepted for backwards compatibility, while encoded separators and zone
	 * contents follow RFC 6874.
	 *
	 * @param {string} host
	 * @returns {NormalizeIPv6Result}
	 */
	function normalizeIPv6 (host) {
	  const bracketed = host[0] === '[' && host[host.length - 1] === ']';
	  const hasBracket = host[0] === '[' || host[host.length - 1] === ']';
	  if (hasBracket && !bracketed) return { host, isIPV6: false, error: true }

	  let input = bracketed ? host.slice(1, -1) : host;
	  if (bracketed && isIPvFuture(input)) {
	    input = input.toLowerCase();
	    return { host: `[${input}]`, escapedHost: input, isIPV6: false, isIPVFuture: true }
	  }

	  if (findToken(input, ':') < 2) {
	    return { host, isIPV6: false, error: bracketed }
	  }

	  let zoneIdentifier = '';
	  const zoneSeparator = input.indexOf('%');
	  if (zoneSeparator !== -1) {
	    const separatorLength = input.slice(zoneSeparator, zoneSeparator + 3).toLowerCase() === '%25' ? 3 : 1;
	    zoneIdentifier = input.slice(zoneSeparator + separatorLength);
	    if (!isZoneIdentifier(zoneIdentifier)) return { host, isIPV6: false, error: true }
	    input = input.slice(0, zoneSeparator);
	  }

	  const address = normalizeIPv6Address(input);
	  if (address === undefined) return { host, isIPV6: false, error: true }

	  return {
	    host: address + (zoneIdentifier ? '%' + zoneIdentifier : ''),
	    escapedHost: address + (zoneIdentifier ? '%25' + zoneIdentifier : ''),
	    isIPV6: true
	  }
	}

	/**
	 * @param {string} str
	 * @param {string} token
	 * @returns {number}
	 */
	function findToken (str, token) {
	  let ind = 0;
	  for (let i = 0; i < str.length; i++) {
	    if (str[i] === token) ind++;
	  }
	  return ind
	}

	/**
	 * @param {string} path
	 * @returns {string}
	 *
	 * @see https://datatracker.ietf.org/doc/html/rfc3986#section-5.2.4
	 */
	function removeDotSegments (path) {
	  let input = path;
	  const output = [];
	  let nextSlash = -1;
	  let len = 0;

	  // eslint-disable-next-line no-cond-assign
	  while (len = input.length) {
	    if (len === 1) {
	      if (input === '.') {
	        break
	      } else if (input === '/') {
	        output.push('/');
	        break
	      } else {
	        output.push(input);
	        break
	      }
	    } else if (len === 2) {
	      if (input[0] === '.') {
	        if (input[1] === '.') {
	          break
	        } else if (input[1] === '/') {
	          input = input.slice(2);
	          continue
	        }
	      } else if (input[0] === '/') {
	        if (input[1] === '.' || input[1] === '/') {
	          output.push('/');
	          break
	        }
	      }
	    } else if (len === 3) {
	      if (input === '/..') {
	        if (output.length !== 0) {
	          output.pop();
	        }
	        output.push('/');
	        break
	      }
	    }
	    if (input[0] === '.') {
	      if (input[1] === '.') {
	        if (input[2] === '/') {
	          input = input.slice(3);
	          continue
	        }
	      } else if (input[1] === '/') {
	        input = input.slice(2);
	        continue
	      }
	    } else if (input[0] === '/') {
	      if (input[1] === '.') {
	        if (input[2] === '/') {
	          input = input.slice(2);
	          continue
	        } else if (input[2] === '.') {
	          if (input[3] === '/') {
	            input = input.slice(3);
	            if (output.length !== 0) {
	              output.pop();
	            }
	            continue
	          }
	        }
	      }
	    }

	    // Rule 2E: Move normal path segment to output
	    if ((nextSlash = input.indexOf('/', 1)) === -1) {
	      output.push(input);
	      break
	    } else {
	      output.push(input.slice(0, nextSlash));
	      input = input.slice(nextSlash);
	    }
	  }

	  return output.join('')
	}

	/**
	 * Removes dot segments from the path of a relative reference (a path that does
	 * not start with "/") without changing what it resolves to against any base.
	 * Unlike `removeDotSegments`, leading ".." segments that cannot be collapsed
	 * are kept, the result never becomes root-relative, and a result that would be
	 * empty or start with an empty segment is prefixed with "." (an empty path
	 * means "same document" and a leading "//" would introduce an authority).
	 *
	 * @param {string} path
	 * @returns {string}
	 */
	function removeDotSegmentsRelative (path) {
	  if (path === '' || path[0] === '/') {
	    return removeDotSegments(path)
	  }

	  const segments = path.split('/');
	  const last = segments.length - 1;
	  /** @type {string[]} */
	  const output = [];
	  let trailingDirectory = false;

	  for (let i = 0; i <= last; i++) {
	    const segment = segments[i];
	    if (segment === '.' || segment === '..') {
	      if (segment === '..') {
	        if (output.length !== 0 && output[output.length - 1] !== '..') {
	          output.pop();
	        } else {
	          output.push('..');
	        }
	      }
	      trailingDirectory = i === last;
	    } else {
	      output.push(segment);
	    }
	  }

	  if (trailingDirectory && output[output.length - 1] !== '..') {
	    output.push('');
	  }
	  if (output.length === 0 || output[0] === '' || output[0].includes(':')) {
	    // An empty path, a leading empty segment ("//"), or a first segment
	    // containing ":" (which would be mistaken for a scheme, RFC 3986 section
	    // 4.2) must stay behind a "." segment so the reference keeps its meaning.
	    output.unshift('.');
	  }

	  return output.join('/')
	}

	/**
	 * Re-escape RFC 3986 gen-delims that must not appear literally in the host.
	 * After the URI regex parses, these characters cannot be literal in the host
	 * field, so any that appear after decoding came from percent-encoding and
	 * must be restored to prevent authority structure changes.
	 *
	 * @param {string} host
	 * @param {boolean} isIP - true for IPv4/IPv6 hosts (skip colon re-escaping)
	 * @returns {string}
	 */
	const HOST_DELIMS = { '@': '%40', '/': '%2F', '?': '%3F', '#': '%23', ':': '%3A' };
	const HOST_DELIM_RE = /[@/?#:]/g;
	const HOST_DELIM_NO_COLON_RE = /[@/?#]/g;

	function reescapeHostDelimiters (host, isIP) {
	  const re = isIP ? HOST_DELIM_NO_COLON_RE : HOST_DELIM_RE;
	  re.lastIndex = 0;
	  return host.replace(re, (ch) => HOST_DELIMS[ch])
	}

	/**
	 * Normalizes percent escapes and optionally decodes only unreserved ASCII bytes.
	 * Reserved delimiters such as `%2F` stay escaped; `%2E` is unreserved.
	 *
	 * @param {string} input
	 * @param {boolean} [decodeUnreserved=false]
	 * @returns {string}
	 */
	function normalizePercentEncoding (input, decodeUnreserved = false) {
	  if (input.indexOf('%') === -1) {
	    return input
	  }

	  let output = '';

	  for (let i = 0; i < input.length; i++) {
	    if (input[i] === '%' && i + 2 < input.length) {
	      const hex = input.slice(i + 1, i + 3);
	      if (isHexPair(hex)) {
	        const normalizedHex = hex.toUpperCase();
	        const decoded = String.fromCharCode(parseInt(normalizedHex, 16));

	        if (decodeUnreserved && isUnreserved(decoded)) {
	          output += decoded;
	        } else {
	          output += '%' + normalizedHex;
	        }

	        i += 2;
	        continue
	      }
	    }

	    output += input[i];
	  }

	  return output
	}

	/**
	 * Normalizes path data without turning reserved escapes into live path syntax.
	 * Valid escapes are uppercased, raw unsafe characters are escaped, and only
	 * unreserved bytes that are not `.` are decoded.
	 *
	 * @param {string} input
	 * @returns {string}
	 */
	function normalizePathEncoding (input) {
	  let output = '';

	  for (let i = 0; i < input.length; i++) {
	    const ch = input[i];
	    if (ch === '%' && i + 2 < input.length) {
	      const hex = input.slice(i + 1, i + 3);
	      if (isHexPair(hex)) {
	        const normalizedHex = hex.toUpperCase();
	        const decoded = String.fromCharCode(parseInt(normalizedHex, 16));

	        if (decoded !== '.' && isUnreserved(decoded)) {
	          output += decoded;
	        } else {
	          output += '%' + normalizedHex;
	        }

	        i += 2;
	        continue
	      }
	    }

	    if (isPathCharacter(ch)) {
	      output += ch;
	    } else {
	      const code = input.charCodeAt(i);
	      if (code < 0x80) {
	        output += isEscapeSafe(code) ? ch : BYTE_HEX[code];
	      } else if (code < 0xD800 || code > 0xDFFF) {
	        output += percentEncodeNonAscii(code);
	      } else if (code <= 0xDBFF && i + 1 < input.length) {
	        const low = input.charCodeAt(i + 1);
	        if (low >= 0xDC00 && low <= 0xDFFF) {
	          output += percentEncodeNonAscii(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
	          i++;
	        } else {
	          output += percentEncodeNonAscii(0xFFFD);
	        }
	      } else {
	        output += percentEncodeNonAscii(0xFFFD);
	      }
	    }
	  }

	  return output
	}

	/**
	 * Serializes a path without rewriting reserved data. Raw RFC 3986 path
	 * characters remain literal, valid escapes are preserved and uppercased, and
	 * everything else is UTF-8 percent-encoded. In a path-noscheme, a colon in the
	 * first segment must be escaped so the result cannot be parsed as a scheme.
	 *
	 * @param {string} input
	 * @param {boolean} [pathNoScheme=false]
	 * @returns {string}
	 */
	function serializePathEncoding (input, pathNoScheme = false) {
	  let output = '';
	  let firstSegment = pathNoScheme && input[0] !== '/';

	  for (let i = 0; i < input.length; i++) {
	    const ch = input[i];
	    if (ch === '%' && i + 2 < input.length) {
	      const hex = input.slice(i + 1, i + 3);
	      if (isHexPair(hex)) {
	        output += '%' + hex.toUpperCase();
	        i += 2;
	        continue
	      }
	    }

	    if (ch === '/') {
	      firstSegment = false;
	    }

	    if (isPathCharacter(ch) && (ch !== ':' || !firstSegment)) {
	      output += ch;
	    } else {
	      const code = input.charCodeAt(i);
	      if (code < 0x80) {
	        output += BYTE_HEX[code];
	      } else if (code < 0xD800 || code > 0xDFFF) {
	        output += percentEncodeNonAscii(code);
	      } else if (code <= 0xDBFF && i + 1 < input.length) {
	        const low = input.charCodeAt(i + 1);
	        if (low >= 0xDC00 && low <= 0xDFFF) {
	          output += percentEncodeNonAscii(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
	          i++;
	        } else {
	          output += percentEncodeNonAscii(0xFFFD);
	        }
	      } else {
	        output += percentEncodeNonAscii(0xFFFD);
	      }
	    }
	  }

	  return output
	}

	/**
	 * Percent-encodes a URI component using its RFC 3986 literal character set.
	 * Existing valid escapes are preserved and normalized to uppercase hex.
	 *
	 * @param {string} input
	 * @param {(value: string) => boolean} isAllowed
	 * @returns {string}
	 */
	function encodeComponent (input, isAllowed) {
	  let output = '';

	  for (let i = 0; i < input.length; i++) {
	    const ch = input[i];
	    if (ch === '%' && i + 2 < input.length) {
	      const hex = input.slice(i + 1, i + 3);
	      if (isHexPair(hex)) {
	        output += '%' + hex.toUpperCase();
	        i += 2;
	        continue
	      }
	    }

	    if (isAllowed(ch)) {
	      output += ch;
	    } else {
	      const code = input.charCodeAt(i);
	      if (code < 0x80) {
	        output += BYTE_HEX[code];
	      } else if (code < 0xD800 || code > 0xDFFF) {
	        output += percentEncodeNonAscii(code);
	      } else if (code <= 0xDBFF && i + 1 < input.length) {
	        const low = input.charCodeAt(i + 1);
	        if (low >= 0xDC00 && low <= 0xDFFF) {
	          output += percentEncodeNonAscii(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
	          i++;
	        } else {
	          output += percentEncodeNonAscii(0xFFFD);
	        }
	      } else {
	        output += percentEncodeNonAscii(0xFFFD);
	      }
	    }
	  }

	  return output
	}

	/**
	 * Encodes userinfo while preserving its RFC 3986 §3.2.1 literal characters.
	 * In particular, authority delimiters such as `@`, `/`, `?`, and `#` are data.
	 *
	 * @param {string} input
	 * @returns {string}
	 */
	function encodeUserinfo (input) {
	  return encodeComponent(input, isUserinfoCharacter)
	}

	/**
	 * Encodes query data using the RFC 3986 §3.4 grammar. A literal `#` must be
	 * escaped because it would otherwise begin the fragment component.
	 *
	 * @param {string} input
	 * @returns {string}
	 */
	function encodeQuery (input) {
	  return encodeComponent(input, isQueryFragmentCharacter)
	}

	/**
	 * Encodes fragment data using the RFC 3986 §3.5 grammar.
	 *
	 * @param {string} input
	 * @returns {string}
	 */
	function encodeFragment (input) {
	  return encodeComponent(input, isQueryFragmentCharacter)
	}

	function isEscapeSafe (cp) {
	  return (
	    (cp >= 0x30 && cp <= 0x39) ||
	    (cp >= 0x41 && cp <= 0x5A) ||
	    (cp >= 0x61 && cp <= 0x7A) ||
	    cp === 0x2A || cp === 0x2B || cp === 0x2D || cp === 0x2E ||
	    cp === 0x2F || cp === 0x40 || cp === 0x5F
	  )
	}

	/**
	 * Normalizes the percent-encoding of a query or fragment component.
	 *
	 * Like `normalizePathEncoding`, but uses the query/fragment character set
	 * (which additionally allows `?`) and decodes `.` since it has no dot-segment
	 * meaning outside of a path.
	 *
	 * @param {string} input
	 * @returns {string}
	 */
	function normalizeQueryFragmentEncoding (input) {
	  let output = '';

	  for (let i = 0; i < input.length; i++) {
	    const ch = input[i];
	    if (ch === '%' && i + 2 < input.length) {
	      const hex = input.slice(i + 1, i + 3);
	      if (isHexPair(hex)) {
	        const normalizedHex = hex.toUpperCase();
	        const decoded = String.fromCharCode(parseInt(normalizedHex, 16));

	        if (isUnreserved(decoded)) {
	          output += decoded;
	        } else {
	          output += '%' + normalizedHex;
	        }

	        i += 2;
	        continue
	      }
	    }

	    if (isQueryFragmentCharacter(ch)) {
	      output += ch;
	    } else {
	      const code = input.charCodeAt(i);
	      if (code < 0x80) {
	        output += isEscapeSafe(code) ? ch : BYTE_HEX[code];
	      } else if (code < 0xD800 || code > 0xDFFF) {
	        output += percentEncodeNonAscii(code);
	      } else if (code <= 0xDBFF && i + 1 < input.length) {
	        const low = input.charCodeAt(i + 1);
	        if (low >= 0xDC00 && low <= 0xDFFF) {
	          output += percentEncodeNonAscii(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
	          i++;
	        } else {
	          output += percentEncodeNonAscii(0xFFFD);
	        }
	      } else {
	        output += percentEncodeNonAscii(0xFFFD);
	      }
	    }
	  }

	  return output
	}

	/**
	 * Escapes a component while preserving existing valid percent escapes.
	 *
	 * @param {string} input
	 * @returns {string}
	 */
	function escapePreservingEscapes (input) {
	  let output = '';

	  for (let i = 0; i < input.length; i++) {
	    if (input[i] === '%' && i + 2 < input.length) {
	      const hex = input.slice(i + 1, i + 3);
	      if (isHexPair(hex)) {
	        output += '%' + hex.toUpperCase();
	        i += 2;
	        continue
	      }
	    }

	    output += escape(input[i]);
	  }

	  return output
	}

	/**
	 * @param {import('../types/index').URIComponent} component
	 * @returns {string|undefined}
	 */
	function recomposeAuthority (component) {
	  const uriTokens = [];

	  if (component.userinfo !== undefined) {
	    uriTokens.push(encodeUserinfo(component.userinfo));
	    uriTokens.push('@');
	  }

	  if (component.host !== undefined) {
	    let host = component.host;
	    if (!isIPv4(host)) {
	      let ipV6res = normalizeIPv6(host);
	      if (ipV6res.isIPV6 !== true && ipV6res.isIPVFuture !== true) {
	        // Decode only unreserved bytes, once. In particular, keep %25 encoded
	        // so it cannot introduce a second escape during recomposition.
	        host = normalizePercentEncoding(host, true);
	        ipV6res = normalizeIPv6(host);
	      }
	      if (ipV6res.isIPV6 === true || ipV6res.isIPVFuture === true) {
	        host = `[${ipV6res.escapedHost}]`;
	      } else {
	        host = reescapeHostDelimiters(host, false);
	      }
	    }
	    uriTokens.push(host);
	  }

	  if (typeof component.port === 'number' || typeof component.port === 'string') {
	    const port = String(component.port);
	    if (!isPort(port)) {
	      throw new TypeError('URI port is malformed.')
	    }
	    uriTokens.push(':');
	    uriTokens.push(port);
	  }

	  return uriTokens.length ? uriTokens.join('') : undefined
	}
	utils$2 = {
	  nonSimpleDomain,
	  recomposeAuthority,
	  reescapeHostDelimiters,
	  normalizePercentEncoding,
	  normalizePathEncoding,
	  serializePathEncoding,
	  normalizeQueryFragmentEncoding,
	  encodeUserinfo,
	  encodeQuery,
	  encodeFragment,
	  escapePreservingEscapes,
	  removeDotSegments,
	  removeDotSegmentsRelative,
	  isIPv4,
	  isUUID,
	  normalizeIPv6,
	  stringArrayToHexStripped
	};
	return utils$2;
}

var schemes;
var hasRequiredSchemes;

function requireSchemes () {
	if (hasRequiredSchemes) return schemes;
	hasRequiredSchemes = 1;

	const { isUUID } = requireUtils$2();
	const URN_REG = /^([\da-z][\d\-a-z]{0,31}):((?:[\w!$'()*+,\-./:;=@]|%[\da-f]{2})+)$/iu;

	const supportedSchemeNames = /** @type {const} */ (['http', 'https', 'ws',
	  'wss', 'urn', 'urn:uuid']);

	/** @typedef {supportedSchemeNames[number]} SchemeName */

	/**
	 * @param {string} name
	 * @returns {name is SchemeName}
	 */
	function isValidSchemeName (name) {
	  return supportedSchemeNames.indexOf(/** @type {*} */ (name)) !== -1
	}

	/**
	 * @callback SchemeFn
	 * @param {import('../types/index').URIComponent} component
	 * @param {import('../types/index').Options} options
	 * @returns {import('../types/index').URIComponent}
	 */

	/**
	 * @typedef {Object} SchemeHandler
	 * @property {SchemeName} scheme - The scheme name.
	 * @property {boolean} [domainHost] - Indicates if the scheme supports domain hosts.
	 * @property {SchemeFn} parse - Function to parse the URI component for this scheme.
	 * @property {SchemeFn} serialize - Function to serialize the URI component for this scheme.
	 * @property {boolean} [skipNormalize] - Indicates if normalization should be skipped for this scheme.
	 * @property {boolean} [absolutePath] - Indicates if the scheme uses absolute paths.
	 * @property {boolean} [unicodeSupport] - Indicates if the scheme supports Unicode.
	 */

	/**
	 * @param {import('../types/index').URIComponent} wsComponent
	 * @returns {boolean}
	 */
	function wsIsSecure (wsComponent) {
	  if (wsComponent.secure === true) {
	    return true
	  } else if (wsComponent.secure === false) {
	    return false
	  } else if (wsComponent.scheme) {
	    return (
	      wsComponent.scheme.length === 3 &&
	      (wsComponent.scheme[0] === 'w' || wsComponent.scheme[0] === 'W') &&
	      (wsComponent.scheme[1] === 's' || wsComponent.scheme[1] === 'S') &&
	      (wsComponent.scheme[2] === 's' || wsComponent.scheme[2] === 'S')
	    )
	  } else {
	    return false
	  }
	}

	/** @type {SchemeFn} */
	function httpParse (component) {
	  if (!component.host) {
	    component.error = component.error || 'HTTP URIs must have a host.';
	  }

	  return component
	}

	/** @type {SchemeFn} */
	function httpSerialize (component) {
	  const secure = String(component.scheme).toLowerCase() === 'https';

	  // normalize the default port
	  if (component.port === (secure ? 443 : 80) || component.port === '') {
	    component.port = undefined;
	  }

	  // normalize the empty path
	  if (!component.path) {
	    component.path = '/';
	  }

	  // NOTE: We do not parse query strings for HTTP URIs
	  // as WWW Form Url Encoded query strings are part of the HTML4+ spec,
	  // and not the HTTP spec.

	  return component
	}

	/** @type {SchemeFn} */
	function wsParse (wsComponent) {
	// indicate if the secure flag is set
	  wsComponent.secure = wsIsSecure(wsComponent);

	  // construct resouce name
	  wsComponent.resourceName = (wsComponent.path || '/') + (wsComponent.query ? '?' + wsComponent.query : '');
	  wsComponent.path = undefined;
	  wsComponent.query = undefined;

	  return wsComponent
	}

	/** @type {SchemeFn} */
	function wsSerialize (wsComponent) {
	// normalize the default port
	  if (wsComponent.port === (wsIsSecure(wsComponent) ? 443 : 80) || wsComponent.port === '') {
	    wsComponent.port = undefined;
	  }

	  // ensure scheme matches secure flag
	  if (typeof wsComponent.secure === 'boolean') {
	    wsComponent.scheme = (wsComponent.secure ? 'wss' : 'ws');
	    wsComponent.secure = undefined;
	  }

	  // reconstruct path from resource name
	  if (wsComponent.resourceName) {
	    const queryIndex = wsComponent.resourceName.indexOf('?');
	    const path = queryIndex === -1
	      ? wsComponent.resourceName
	      : wsComponent.resourceName.slice(0, queryIndex);
	    wsComponent.path = (path && path !== '/' ? path : undefined);
	    wsComponent.query = queryIndex === -1
	      ? undefined
	      : wsComponent.resourceName.slice(queryIndex + 1);
	    wsComponent.resourceName = undefined;
	  }

	  // forbid fragment component
	  wsComponent.fragment = undefined;

	  return wsComponent
	}

	/** @type {SchemeFn} */
	function urnParse (urnComponent, options) {
	  if (!urnComponent.path) {
	    urnComponent.error = 'URN can not be parsed';
	    return urnComponent
	  }
	  const matches = urnComponent.path.match(URN_REG);
	  if (matches && matches[0] === urnComponent.path) {
	    const scheme = options.scheme || urnComponent.scheme || 'urn';
	    urnComponent.nid = matches[1].toLowerCase();
	    urnComponent.nss = matches[2];
	    const urnScheme = `${scheme}:${options.nid || urnComponent.nid}`;
	    const schemeHandler = getSchemeHandler(urnScheme);
	    urnComponent.path = undefined;

	    if (schemeHandler) {
	      urnComponent = schemeHandler.parse(urnComponent, options);
	    }
	  } else {
	    urnComponent.error = urnComponent.error || 'URN can not be parsed.';
	  }

	  return urnComponent
	}

	/** @type {SchemeFn} */
	function urnSerialize (urnComponent, options) {
	  if (urnComponent.nid === undefined) {
	    throw new Error('URN without nid cannot be serialized')
	  }
	  const scheme = options.scheme || urnComponent.scheme || 'urn';
	  const nid = urnComponent.nid.toLowerCase();
	  const urnScheme = `${scheme}:${options.nid || nid}`;
	  const schemeHandler = getSchemeHandler(urnScheme);

	  if (schemeHandler) {
	    urnComponent = schemeHandler.serialize(urnComponent, options);
	  }

	  const uriComponent = urnComponent;
	  const nss = urnComponent.nss;
	  uriComponent.path = `${nid || options.nid}:${nss}`;

	  options.skipEscape = true;
	  return uriComponent
	}

	/** @type {SchemeFn} */
	function urnuuidParse (urnComponent, options) {
	  const uuidComponent = urnComponent;
	  uuidComponent.uuid = uuidComponent.nss;
	  uuidComponent.nss = undefined;

	  if (!options.tolerant && (!uuidComponent.uuid || !isUUID(uuidComponent.uuid))) {
	    uuidComponent.error = uuidComponent.error || 'UUID is not valid.';
	  }

	  return uuidComponent
	}

	/** @type {SchemeFn} */
	function urnuuidSerialize (uuidComponent) {
	  const urnComponent = uuidComponent;
	  // normalize UUID
	  urnComponent.nss = (uuidComponent.uuid || '').toLowerCase();
	  return urnComponent
	}

	const http = /** @type {SchemeHandler} */ ({
	  scheme: 'http',
	  domainHost: true,
	  parse: httpParse,
	  serialize: httpSerialize
	});

	const https = /** @type {SchemeHandler} */ ({
	  scheme: 'https',
	  domainHost: http.domainHost,
	  parse: httpParse,
	  serialize: httpSerialize
	});

	const ws = /** @type {SchemeHandler} */ ({
	  scheme: 'ws',
	  domainHost: true,
	  parse: wsParse,
	  serialize: wsSerialize
	});

	const wss = /** @type {SchemeHandler} */ ({
	  scheme: 'wss',
	  domainHost: ws.domainHost,
	  parse: ws.parse,
	  serialize: ws.serialize
	});

	const urn = /** @type {SchemeHandler} */ ({
	  scheme: 'urn',
	  parse: urnParse,
	  serialize: urnSerialize,
	  skipNormalize: true
	});

	const urnuuid = /** @type {SchemeHandler} */ ({
	  scheme: 'urn:uuid',
	  parse: urnuuidParse,
	  serialize: urnuuidSerialize,
	  skipNormalize: true
	});

	const SCHEMES = /** @type {Record<SchemeName, SchemeHandler>} */ ({
	  http,
	  https,
	  ws,
	  wss,
	  urn,
	  'urn:uuid': urnuuid
	});

	Object.setPrototypeOf(SCHEMES, null);

	/**
	 * @param {string|undefined} scheme
	 * @returns {SchemeHandler|undefined}
	 */
	function getSchemeHandler (scheme) {
	  return (
	    scheme && (
	      SCHEMES[/** @type {SchemeName} */ (scheme)] ||
	      SCHEMES[/** @type {SchemeName} */(scheme.toLowerCase())])
	  ) ||
	    undefined
	}

	schemes = {
	  wsIsSecure,
	  SCHEMES,
	  isValidSchemeName,
	  getSchemeHandler,
	};
	return schemes;
}

var hasRequiredFastUri;

function requireFastUri () {
	if (hasRequiredFastUri) return fastUri.exports;
	hasRequiredFastUri = 1;

	const { normalizeIPv6, removeDotSegments, removeDotSegmentsRelative, recomposeAuthority, normalizePercentEncoding, normalizePathEncoding, serializePathEncoding, normalizeQueryFragmentEncoding, encodeQuery, encodeFragment, reescapeHostDelimiters, isIPv4, nonSimpleDomain } = requireUtils$2();
	const { SCHEMES, getSchemeHandler } = requireSchemes();

	const VALID_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/u;
	const MALFORMED_SCHEME_ERROR = 'URI scheme is malformed.';
	const MALFORMED_HOST_ERROR = 'URI host is malformed.';
	// ASCII characters outside the RFC 3986 reg-name set (unreserved, sub-delims
	// and "%" for pct-encoded): C0 controls, space, DEL, and "#/:<>?@[\]^`{|}.
	const FORBIDDEN_DOMAIN_HOST_CHARACTER = /[\0-\x20"#/:<>?@[\\\]^`{|}\x7F]/u;

	/**
	 * RFC 3986 section 3.1 does not allow percent-encoding in a scheme, so the
	 * scheme is validated as-is and never decoded. Decoding would let inert input
	 * such as `%6Aavascript:` become a live `javascript:` scheme.
	 *
	 * @param {string} scheme
	 * @returns {string}
	 */
	function validateScheme (scheme) {
	  const stringScheme = String(scheme);
	  if (!VALID_SCHEME.test(stringScheme)) {
	    throw new TypeError(MALFORMED_SCHEME_ERROR)
	  }
	  return stringScheme
	}

	/**
	 * @template {import('./types/index').URIComponent|string} T
	 * @param {T} uri
	 * @param {import('./types/index').Options} [options]
	 * @returns {T}
	 */
	function normalize (uri, options) {
	  if (typeof uri === 'string') {
	    uri = /** @type {T} */ (normalizeString(uri, options));
	  } else if (typeof uri === 'object') {
	    uri = /** @type {T} */ (parse(serialize(uri, options), options));
	  }
	  return uri
	}

	/**
	 * @param {string} baseURI
	 * @param {string} relativeURI
	 * @param {import('./types/index').Options} [options]
	 * @returns {string}
	 */
	function resolve (baseURI, relativeURI, options) {
	  const schemelessOptions = options ? Object.assign({ scheme: 'null' }, options) : { scheme: 'null' };
	  const {
	    parsed: baseParsed,
	    malformedAuthorityOrPort: baseMalformed,
	    malformedPercentEncoding: baseMalformedPercentEncoding,
	    malformedSchemeSpecific: baseMalformedSchemeSpecific,
	    malformedHost: baseMalformedHost,
	    malformedScheme: baseMalformedScheme
	  } = parseWithStatus(baseURI, schemelessOptions);
	  const {
	    parsed: relativeParsed,
	    malformedAuthorityOrPort: relativeMalformed,
	    malformedPercentEncoding: relativeMalformedPercentEncoding,
	    malformedSchemeSpecific: relativeMalformedSchemeSpecific,
	    malformedHost: relativeMalformedHost,
	    malformedScheme: relativeMalformedScheme
	  } = parseWithStatus(relativeURI, schemelessOptions);
	  if (
	    baseMalformed ||
	    relativeMalformed ||
	    baseMalformedPercentEncoding ||
	    relativeMalformedPercentEncoding ||
	    baseMalformedSchemeSpecific ||
	    relativeMalformedSchemeSpecific ||
	    baseMalformedHost ||
	    relativeMalformedHost ||
	    baseMalformedScheme ||
	    relativeMalformedScheme
	  ) {
	    throw new Error(baseParsed.error || relativeParsed.error || 'URI is malformed.')
	  }
	  const resolved = resolveComponent(baseParsed, relativeParsed, schemelessOptions, true);
	  const resolvedSchemeHandler = getSchemeHandler((options && options.scheme) || resolved.scheme);
	  const resolvedHost = resolved.host;
	  const resolvedHostIsIP = resolvedHost !== undefined && resolvedHost !== '' &&
	    (isIPv4(resolvedHost) || normalizeIPv6(resolvedHost).isIPV6);
	  // Inputs are parsed scheme-neutrally, so delimiters and controls in a domain
	  // host are only detected here, once the final scheme is known. They always
	  // fail closed, including in percent-encoded hosts.
	  if (hasForbiddenDomainHost(resolved, options || {}, resolvedSchemeHandler, resolvedHostIsIP)) {
	    throw new Error(MALFORMED_HOST_ERROR)
	  }
	  canonicalizeHost(resolved, options || {}, resolvedSchemeHandler, resolvedHostIsIP);
	  // Percent escapes in an ASCII reg-name are encoded data. The WHATWG hostname
	  // parser can reject them even though fast-uri preserves them safely as RFC
	  // 3986 data. A raw non-ASCII host must still fail closed if conversion fails.
	  const encodedASCIIHost = resolvedHost && resolvedHost.indexOf('%') !== -1 &&
	    !/\P{ASCII}/u.test(resolvedHost);
	  if (resolved.error && !encodedASCIIHost) {
	    throw new Error(resolved.error)
	  }
	  schemelessOptions.skipEscape = true;
	  return serialize(resolved, schemelessOptions)
	}

	/**
	 * @param {import ('./types/index').URIComponent} base
	 * @param {import ('./types/index').URIComponent} relative
	 * @param {import('./types/index').Options} [options]
	 * @param {boolean} [skipNormalization=false]
	 * @returns {import ('./types/index').URIComponent}
	 */
	function resolveComponent (base, relative, options, skipNormalization) {
	  /** @type {import('./types/index').URIComponent} */
	  const target = {};
	  if (!skipNormalization) {
	    base = parse(serialize(base, options), options); // normalize base component
	    relative = parse(serialize(relative, options), options); // normalize relative component
	  }
	  options = options || {};

	  if (!options.tolerant && relative.scheme) {
	    target.scheme = relative.scheme;
	    // target.authority = relative.authority;
	    target.userinfo = relative.userinfo;
	    target.host = relative.host;
	    target.port = relative.port;
	    target.path = removeDotSegments(relative.path || '');
	    target.query = relative.query;
	  } else {
	    if (relative.userinfo !== undefined || relative.host !== undefined || relative.port !== undefined) {
	      // target.authority = relative.authority;
	      target.userinfo = relative.userinfo;
	      target.host = relative.host;
	      target.port = relative.port;
	      target.path = removeDotSegments(relative.path || '');
	      target.query = relative.query;
	    } else {
	      if (!relative.path) {
	        target.path = base.path;
	        if (relative.query !== undefined) {
	          target.query = relative.query;
	        } else {
	          target.query = base.query;
	        }
	      } else {
	        if (relative.path[0] === '/') {
	          target.path = removeDotSegments(relative.path);
	        } else {
	          const baseHasAuthority = base.userinfo !== undefined || base.host !== undefined || base.port !== undefined;
	          if (baseHasAuthority && !base.path) {
	            target.path = '/' + relative.path;
	          } else if (!base.path) {
	            target.path = relative.path;
	          } else {
	            target.path = base.path.slice(0, base.path.lastIndexOf('/') + 1) + relative.path;
	          }
	          target.path = base.scheme === undefined && !baseHasAuthority && target.path[0] !== '/'
	            ? removeDotSegmentsRelative(target.path)
	            : removeDotSegments(target.path);
	        }
	        target.query = relative.query;
	      }
	      // target.authority = base.authority;
	      target.userinfo = base.userinfo;
	      target.host = base.host;
	      target.port = base.port;
	    }
	    target.scheme = base.scheme;
	  }

	  target.fragment = relative.fragment;

	  return target
	}

	/**
	 * @param {import ('./types/index').URIComponent|string} uriA
	 * @param {import ('./types/index').URIComponent|string} uriB
	 * @param {import ('./types/index').Options} options
	 * @returns {boolean}
	 */
	function equal (uriA, uriB, options) {
	  const normalizedA = normalizeComparableURI(uriA, options);
	  const normalizedB = normalizeComparableURI(uriB, options);

	  return normalizedA !== undefined && normalizedB !== undefined && normalizedA === normalizedB
	}

	/**
	 * @param {Readonly<import('./types/index').URIComponent>} cmpts
	 * @param {import('./types/index').Options} [opts]
	 * @returns {string}
	 */
	function serialize (cmpts, opts) {
	  const component = {
	    host: cmpts.host,
	    scheme: cmpts.scheme,
	    userinfo: cmpts.userinfo,
	    port: cmpts.port,
	    path: cmpts.path,
	    query: cmpts.query,
	    nid: cmpts.nid,
	    nss: cmpts.nss,
	    uuid: cmpts.uuid,
	    fragment: cmpts.fragment,
	    reference: cmpts.reference,
	    resourceName: cmpts.resourceName,
	    secure: cmpts.secure,
	    error: ''
	  };
	  const options = Object.assign({}, opts);
	  const uriTokens = [];

	  if (component.scheme) {
	    component.scheme = validateScheme(component.scheme);
	  }

	  // find scheme handler
	  const schemeHandler = getSchemeHandler(options.scheme || component.scheme);

	  // perform scheme specific serialization
	  if (schemeHandler && schemeHandler.serialize) schemeHandler.serialize(component, options);

	  const hasAuthority = component.userinfo !== undefined || component.host !== undefined || component.port !== undefined;
	  // A reference with no emitted scheme is path-noscheme: a bare ':' in its
	  // first path segment would reparse as a scheme (RFC 3986 3.3/4.2). Enforced
	  // under skipEscape too (resolve()), so the reapply below gates on this flag.
	  const schemelessReference = (component.scheme === undefined || options.reference === 'suffix') && !hasAuthority;
	  const pathNoScheme = !options.skipEscape && schemelessReference;

	  if (component.path !== undefined) {
	    if (!options.skipEscape) {
	      component.path = serializePathEncoding(component.path, pathNoScheme);
	    } else {
	      component.path = normalizePercentEncoding(component.path);
	    }
	  }

	  if (options.reference !== 'suffix' && component.scheme) {
	    // Scheme handlers may replace the scheme during serialization.
	    component.scheme = validateScheme(component.scheme);
	    uriTokens.push(component.scheme, ':');
	  }

	  const authority = recomposeAuthority(component);
	  if (authority !== undefined) {
	    if (options.reference !== 'suffix') {
	      uriTokens.push('//');
	    }

	    uriTokens.push(authority);

	    if (component.path && component.path[0] !== '/') {
	      uriTokens.push('/');
	    }
	  }
	  if (component.path !== undefined) {
	    let s = component.path;

	    if (!options.absolutePath && (!schemeHandler || !schemeHandler.absolutePath)) {
	      // A relative-path reference keeps its unresolvable leading ".." segments
	      // and must never become root-relative (RFC 3986 section 5.2.4 applies to
	      // merged target paths, not to the reference itself).
	      s = schemelessReference && s[0] !== '/'
	        ? removeDotSegmentsRelative(s)
	        : removeDotSegments(s);
	    }

	    // Dot-segment removal can expose a colon that was not originally in the
	    // first segment (for example, "./a:b"). Reapply path-noscheme encoding so
	    // the serialized relative reference cannot be reparsed as a URI scheme.
	    if (schemelessReference) {
	      s = serializePathEncoding(s, true);
	    }

	    if (
	      authority === undefined &&
	      s[0] === '/' &&
	      s[1] === '/'
	    ) {
	      // don't allow the path to start with "//"
	      s = '/%2F' + s.slice(2);
	    }

	    uriTokens.push(s);
	  }

	  if (component.query !== undefined) {
	    uriTokens.push('?', encodeQuery(component.query));
	  }

	  if (component.fragment !== undefined) {
	    uriTokens.push('#', encodeFragment(component.fragment));
	  }
	  return uriTokens.join('')
	}

	const URI_PARSE = /^(?:([^#/:?]+):)?(?:\/\/((?:([^#/?@]*)@)?(\[[^#/?\]]+\]|[^#/:?]*)(?::(\d*))?))?([^#?]*)(?:\?([^#]*))?(?:#((?:.|[\n\r])*))?/u;

	// Captures the authority component (between "//" and the next "/", "?" or "#"),
	// with or without a scheme prefix, for the literal-backslash rejection below.
	const AUTHORITY_PREFIX = /^(?:[^#/:?]+:)?\/\/([^/?#]*)/;

	// Captures the leading authority-introducer region after an optional scheme: a
	// run of forward slashes, backslashes, and the characters the WHATWG URL parser
	// removes before parsing (TAB U+0009, LF U+000A, CR U+000D). A valid introducer
	// is exactly "//". Node treats "\" as "/" on special schemes and strips those
	// characters first, so forms like "\\", "/\", "\/", "/<TAB>/", or a leading
	// "<TAB>//" reach an authority in Node while fast-uri's URI_PARSE folds them into
	// the path group (host confusion / SSRF / redirect bypass).
	const AUTHORITY_INTRODUCER_REGION = /^(?:[^#/:?]+:)?([/\\\t\n\r]*)/;

	/**
	 * @param {import('./types/index').URIComponent} parsed
	 * @param {RegExpMatchArray} matches
	 * @returns {string|undefined}
	 */
	function getParseError (parsed, matches) {
	  if (matches[2] !== undefined && parsed.path && parsed.path[0] !== '/') {
	    return 'URI path must start with "/" when authority is present.'
	  }

	  if (typeof parsed.port === 'number' && (parsed.port < 0 || parsed.port > 65535)) {
	    return 'URI port is malformed.'
	  }

	  return undefined
	}

	/**
	 * Checks percent syntax without decoding the represented octets. RFC 3986
	 * percent-encoding is byte-oriented, so sequences such as `%FF` are valid even
	 * though they are not independently valid UTF-8.
	 *
	 * @param {string|undefined} component
	 * @returns {boolean}
	 */
	function hasMalformedPercentEncoding (component) {
	  if (component === undefined) return false

	  let percent = component.indexOf('%');
	  while (percent !== -1) {
	    if (percent + 2 >= component.length || !/^[\da-f]{2}$/iu.test(component.slice(percent + 1, percent + 3))) {
	      return true
	    }
	    percent = component.indexOf('%', percent + 3);
	  }

	  return false
	}

	/**
	 * Whether the host is a bracketed IP literal (RFC 3986 `IP-literal`).
	 * An unterminated `[` is not a literal, so it must still be validated as a
	 * reg-name instead of being waved through as an IP.
	 *
	 * @param {string} host
	 * @returns {boolean}
	 */
	function isIPLiteral (host) {
	  return host[0] === '[' && host[host.length - 1] === ']'
	}

	/**
	 * @param {RegExpMatchArray} matches
	 * @returns {boolean}
	 */
	function hasMalformedComponentPercentEncoding (matches) {
	  // Bracketed IP literals use a raw "%" as the zone separator for historical
	  // compatibility. Their parsing is intentionally left to normalizeIPv6.
	  const host = matches[4];
	  return hasMalformedPercentEncoding(matches[3]) ||
	    (host !== undefined && !isIPLiteral(host) && hasMalformedPercentEncoding(host)) ||
	    hasMalformedPercentEncoding(matches[6]) ||
	    hasMalformedPercentEncoding(matches[7]) ||
	    hasMalformedPercentEncoding(matches[8])
	}

	/**
	 * @param {import('./types/index').URIComponent} parsed
	 * @param {import('./types/index').Options} options
	 * @param {{ domainHost?: boolean, unicodeSupport?: boolean }|undefined} schemeHandler
	 * @param {boolean} isIP
	 * @returns {boolean} whether host conversion failed
	 */
	function canonicalizeHost (parsed, options, schemeHandler, isIP) {
	  if (hasForbiddenDomainHost(parsed, options, schemeHandler, isIP)) {
	    parsed.error = parsed.error || MALFORMED_HOST_ERROR;
	    return true
	  }

	  if (
	    !options.unicodeSupport &&
	    (!schemeHandler || !schemeHandler.unicodeSupport) &&
	    parsed.host &&
	    !isIPLiteral(parsed.host) &&
	    (options.domainHost || (schemeHandler && schemeHandler.domainHost)) &&
	    isIP === false &&
	    nonSimpleDomain(parsed.host)
	  ) {
	    let url;
	    try {
	      url = new URL('http://' + parsed.host);
	    } catch (e) {
	      parsed.error = parsed.error || "Host's domain name can not be converted to ASCII: " + e;
	      return true
	    }
	    // The WHATWG parser must have read the whole input as a host. Anything
	    // else means it found a delimiter fast-uri did not, so its hostname would
	    // describe a different authority.
	    if (!isHostOnlyURL(url)) {
	      parsed.error = parsed.error || MALFORMED_HOST_ERROR;
	      return true
	    }
	    parsed.host = url.hostname;
	  }
	  return false
	}

	/**
	 * Whether a domain host contains an ASCII character that RFC 3986 does not
	 * allow in a reg-name (unreserved, sub-delims, or pct-encoded). Such a host is
	 * rejected instead of being handed to the WHATWG URL parser, which would treat
	 * "@" as a userinfo delimiter (silently dropping the data before it) and strip
	 * TAB, LF, and CR. Non-ASCII characters remain allowed for IDNs.
	 *
	 * @param {import('./types/index').URIComponent} parsed
	 * @param {import('./types/index').Options} options
	 * @param {{ domainHost?: boolean }|undefined} schemeHandler
	 * @param {boolean} isIP
	 * @returns {boolean}
	 */
	function hasForbiddenDomainHost (parsed, options, schemeHandler, isIP) {
	  return Boolean(
	    parsed.host &&
	    isIP === false &&
	    !isIPLiteral(parsed.host) &&
	    (options.domainHost || (schemeHandler && schemeHandler.domainHost)) &&
	    FORBIDDEN_DOMAIN_HOST_CHARACTER.test(parsed.host)
	  )
	}

	/**
	 * @param {URL} url
	 * @returns {boolean}
	 */
	function isHostOnlyURL (url) {
	  return url.username === '' &&
	    url.password === '' &&
	    url.port === '' &&
	    url.pathname === '/' &&
	    url.search === '' &&
	    url.hash === '' &&
	    url.hostname !== ''
	}

	/**
	 * @param {string} uri
	 * @param {import('./types/index').Options} [opts]
	 * @returns {{ parsed: import('./types/index').URIComponent, malformedAuthorityOrPort: boolean, malformedPercentEncoding: boolean, malformedSchemeSpecific: boolean, malformedHost: boolean, malformedScheme: boolean }}
	 */
	function parseWithStatus (uri, opts) {
	  const options = Object.assign({}, opts);
	  /** @type {import('./types/index').URIComponent} */
	  const parsed = {
	    scheme: undefined,
	    userinfo: undefined,
	    host: '',
	    port: undefined,
	    path: '',
	    query: undefined,
	    fragment: undefined
	  };

	  let malformedAuthorityOrPort = false;
	  let malformedPercentEncoding = false;
	  let malformedSchemeSpecific = false;
	  let malformedHost = false;
	  let malformedIPLiteral = false;
	  let malformedScheme = false;

	  let isIP = false;
	  if (options.reference === 'suffix') {
	    if (options.scheme) {
	      uri = options.scheme + ':' + uri;
	    } else {
	      uri = '//' + uri;
	    }
	  }

	  // A literal backslash (U+005C) is not a valid RFC 3986 URI character and is
	  // not an authority delimiter. Reject it in the authority rather than
	  // rewriting it: normalizing "\" -> "/" (WHATWG error recovery) could silently
	  // change the resource identified by an otherwise-invalid input, and lets "\"
	  // act as a host delimiter here while Node's native URL parses a different
	  // host (SSRF / redirect / origin-allowlist bypass). Percent-encoded %5C is
	  // untouched and remains valid encoded data.
	  const authorityMatch = uri.match(AUTHORITY_PREFIX);
	  if (authorityMatch !== null && authorityMatch[1].indexOf('\\') !== -1) {
	    parsed.error = 'URI authority must not contain a literal backslash.';
	    malformedAuthorityOrPort = true;
	  }

	  // Reject a malformed or whitespace-smuggled authority introducer. fast-uri
	  // only recognizes a literal "//"; anything else in the leading separator run
	  // (a backslash, or a "//" that appears only after removing the TAB/LF/CR that
	  // Node strips) means the authority fast-uri parses differs from the one Node's
	  // URL resolves. Reject rather than rewrite, mirroring the literal-backslash
	  // guard above. Percent-encoded forms (%5C, %09) are untouched, valid data.
	  const introducerMatch = uri.match(AUTHORITY_INTRODUCER_REGION);
	  if (introducerMatch !== null) {
	    const region = introducerMatch[1];
	    const normalizedRegion = region.replace(/[\t\n\r]/g, '');
	    // Two or more leading separators introduce an authority.
	    if (normalizedRegion.length >= 2) {
	      if (normalizedRegion.slice(0, 2) !== '//') {
	        parsed.error = parsed.error || 'URI authority must not contain a literal backslash.';
	        malformedAuthorityOrPort = true;
	      } else if (region.length !== normalizedRegion.length) {
	        parsed.error = parsed.error || 'URI authority introducer must not contain whitespace.';
	        malformedAuthorityOrPort = true;
	      }
	    }
	  }

	  const matches = uri.match(URI_PARSE);

	  if (matches) {
	    // store each component
	    parsed.scheme = matches[1];
	    parsed.userinfo = matches[3];
	    parsed.host = matches[4];
	    parsed.port = parseInt(matches[5], 10);
	    parsed.path = matches[6] || '';
	    parsed.query = matches[7];
	    parsed.fragment = matches[8];

	    if (parsed.scheme !== undefined) {
	      if (VALID_SCHEME.test(parsed.scheme)) {
	        parsed.scheme = parsed.scheme.toLowerCase();
	      } else {
	        parsed.error = parsed.error || MALFORMED_SCHEME_ERROR;
	        malformedScheme = true;
	      }
	    }

	    malformedPercentEncoding = hasMalformedComponentPercentEncoding(matches);
	    if (malformedPercentEncoding) {
	      parsed.error = parsed.error || 'URI contains malformed percent-encoding.';
	    }

	    // fix port number
	    if (isNaN(parsed.port)) {
	      parsed.port = matches[5];
	    }

	    const parseError = getParseError(parsed, matches);
	    if (parseError !== undefined) {
	      parsed.error = parsed.error || parseError;
	      malformedAuthorityOrPort = true;
	    }

	    if (parsed.host) {
	      const ipv4result = isIPv4(parsed.host);
	      if (ipv4result === false) {
	        const bracketedIPLiteral = isIPLiteral(parsed.host);
	        const hasIPLiteralBracket = parsed.host.indexOf('[') !== -1 || parsed.host.indexOf(']') !== -1;
	        const ipv6result = normalizeIPv6(parsed.host);
	        isIP = ipv6result.isIPV6 || ipv6result.isIPVFuture === true;
	        malformedIPLiteral = hasIPLiteralBracket && (!bracketedIPLiteral || ipv6result.error === true);
	        parsed.host = isIP ? ipv6result.host : ipv6result.host.toLowerCase();

	        if (malformedIPLiteral) {
	          parsed.error = parsed.error || MALFORMED_HOST_ERROR;
	          malformedAuthorityOrPort = true;
	        }
	      } else {
	        isIP = true;
	      }
	    }
	    if (parsed.scheme === undefined && parsed.userinfo === undefined && parsed.host === undefined && parsed.port === undefined && parsed.query === undefined && !parsed.path) {
	      parsed.reference = 'same-document';
	    } else if (parsed.scheme === undefined) {
	      parsed.reference = 'relative';
	    } else if (parsed.fragment === undefined) {
	      parsed.reference = 'absolute';
	    } else {
	      parsed.reference = 'uri';
	    }

	    // check for reference errors
	    if (options.reference && options.reference !== 'suffix' && options.reference !== parsed.reference) {
	      parsed.error = parsed.error || 'URI is not a ' + options.reference + ' reference.';
	    }

	    // find scheme handler
	    const schemeHandler = getSchemeHandler(options.scheme || parsed.scheme);

	    // convert Unicode IDN -> ASCII IDN when the effective scheme uses domain hosts
	    if (!malformedIPLiteral) {
	      malformedHost = canonicalizeHost(parsed, options, schemeHandler, isIP);
	    }

	    if (uri.indexOf('%') !== -1 && parsed.host !== undefined && !malformedIPLiteral) {
	      let host = isIP ? parsed.host : normalizePercentEncoding(parsed.host, true);
	      if (!isIP) {
	        // Fold reg-name case after decoding unreserved octets. The second
	        // pass only restores uppercase hex in escapes that remain encoded.
	        host = normalizePercentEncoding(host.toLowerCase());
	      }
	      // Resolution parses both inputs with the internal `null` scheme before
	      // the effective scheme is known. Keep raw host delimiters for that step
	      // so resolve() can reject them for domain-host schemes; the resolved
	      // authority is encoded when it is serialized.
	      parsed.host = isIP || options.scheme !== 'null' ? reescapeHostDelimiters(host, isIP) : host;
	    }

	    if (!schemeHandler || (schemeHandler && !schemeHandler.skipNormalize)) {
	      if (parsed.path) {
	        parsed.path = normalizePathEncoding(parsed.path);
	      }
	      if (parsed.query) {
	        parsed.query = normalizeQueryFragmentEncoding(parsed.query);
	      }
	      if (parsed.fragment) {
	        parsed.fragment = normalizeQueryFragmentEncoding(parsed.fragment);
	      }
	    }

	    // perform scheme specific parsing
	    if (schemeHandler && schemeHandler.parse) {
	      schemeHandler.parse(parsed, options);
	      if (schemeHandler === SCHEMES.urn && parsed.nid === undefined) {
	        malformedSchemeSpecific = true;
	      }
	    }
	  } else {
	    parsed.error = parsed.error || 'URI can not be parsed.';
	  }
	  return { parsed, malformedAuthorityOrPort, malformedPercentEncoding, malformedSchemeSpecific, malformedHost, malformedScheme }
	}

	/**
	 * @param {string} uri
	 * @param {import('./types/index').Options} [opts]
	 * @returns
	 */
	function parse (uri, opts) {
	  return parseWithStatus(uri, opts).parsed
	}

	/**
	 * @param {string} uri
	 * @param {import('./types/index').Options} [opts]
	 * @returns {string}
	 */
	function normalizeString (uri, opts) {
	  return normalizeStringWithStatus(uri, opts).normalized
	}

	/**
	 * @param {string} uri
	 * @param {import('./types/index').Options} [opts]
	 * @returns {{ normalized: string, malformedAuthorityOrPort: boolean, malformedPercentEncoding: boolean, malformedSchemeSpecific: boolean, malformedHost: boolean, malformedScheme: boolean }}
	 */
	function normalizeStringWithStatus (uri, opts) {
	  const { parsed, malformedAuthorityOrPort, malformedPercentEncoding, malformedSchemeSpecific, malformedHost, malformedScheme } = parseWithStatus(uri, opts);
	  return {
	    normalized: malformedAuthorityOrPort || malformedPercentEncoding || malformedSchemeSpecific || malformedHost || malformedScheme ? uri : serialize(parsed, opts),
	    malformedAuthorityOrPort,
	    malformedPercentEncoding,
	    malformedSchemeSpecific,
	    malformedHost,
	    malformedScheme
	  }
	}

	/**
	 * @param {import ('./types/index').URIComponent|string} uri
	 * @param {import('./types/index').Options} [opts]
	 * @returns {string|undefined}
	 */
	function normalizeComparableURI (uri, opts) {
	  if (typeof uri !== 'string' && typeof uri !== 'object') {
	    return undefined
	  }

	  let value;
	  try {
	    value = typeof uri === 'string' ? uri : serialize(uri, opts);
	  } catch {
	    return undefined
	  }
	  const { normalized, malformedAuthorityOrPort, malformedPercentEncoding, malformedSchemeSpecific, malformedHost, malformedScheme } = normalizeStringWithStatus(value, opts);
	  return malformedAuthorityOrPort || malformedPercentEncoding || malformedSchemeSpecific || malformedHost || malformedScheme ? undefined : normalized
	}

	const fastUri$1 = {
	  SCHEMES,
	  normalize,
	  resolve,
	  resolveComponent,
	  equal,
	  serialize,
	  parse
	};

	fastUri.exports = fastUri$1;
	fastUri.exports.default = fastUri$1;
	fastUri.exports.fastUri = fastUri$1;
	return fastUri.exports;
}

var hasRequiredUri;

function requireUri () {
	if (hasRequiredUri) return uri;
	hasRequiredUri = 1;
	Object.defineProperty(uri, "__esModule", { value: true });
	const uri$1 = requireFastUri();
	uri$1.code = 'require("ajv/dist/runtime/uri").default';
	uri.default = uri$1;
	
	return uri;
}

var hasRequiredCore$1;

function requireCore$1 () {
	if (hasRequiredCore$1) return core$1;
	hasRequiredCore$1 = 1;
	(function (exports) {
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.CodeGen = exports.Name = exports.nil = exports.stringify = exports.str = exports._ = exports.KeywordCxt = void 0;
		var validate_1 = /*@__PURE__*/ requireValidate();
		Object.defineProperty(exports, "KeywordCxt", { enumerable: true, get: function () { return validate_1.KeywordCxt; } });
		var codegen_1 = /*@__PURE__*/ requireCodegen();
		Object.defineProperty(exports, "_", { enumerable: true, get: function () { return codegen_1._; } });
		Object.defineProperty(exports, "str", { enumerable: true, get: function () { return codegen_1.str; } });
		Object.defineProperty(exports, "stringify", { enumerable: true, get: function () { return codegen_1.stringify; } });
		Object.defineProperty(exports, "nil", { enumerable: true, get: function () { return codegen_1.nil; } });
		Object.defineProperty(exports, "Name", { enumerable: true, get: function () { return codegen_1.Name; } });
		Object.defineProperty(exports, "CodeGen", { enumerable: true, get: function () { return codegen_1.CodeGen; } });
		const validation_error_1 = /*@__PURE__*/ requireValidation_error();
		const ref_error_1 = /*@__PURE__*/ requireRef_error();
		const rules_1 = /*@__PURE__*/ requireRules();
		const compile_1 = /*@__PURE__*/ requireCompile();
		const codegen_2 = /*@__PURE__*/ requireCodegen();
		const resolve_1 = /*@__PURE__*/ requireResolve();
		const dataType_1 = /*@__PURE__*/ requireDataType();
		const util_1 = /*@__PURE__*/ requireUtil$1();
		const $dataRefSchema = require$$9;
		const uri_1 = /*@__PURE__*/ requireUri();
		const defaultRegExp = (str, flags) => new RegExp(str, flags);
		defaultRegExp.code = "new RegExp";
		const META_IGNORE_OPTIONS = ["removeAdditional", "useDefaults", "coerceTypes"];
		const EXT_SCOPE_NAMES = new Set([
		    "validate",
		    "serialize",
		    "parse",
		    "wrapper",
		    "root",
		    "schema",
		    "keyword",
		    "pattern",
		    "formats",
		    "validate$data",
		    "func",
		    "obj",
		    "Error",
		]);
		const removedOptions = {
		    errorDataPath: "",
		    format: "`validateFormats: false` can be used instead.",
		    nullable: '"nullable" keyword is supported by default.',
		    jsonPointers: "Deprecated jsPropertySyntax can be used instead.",
		    extendRefs: "Deprecated ignoreKeywordsWithRef can be used instead.",
		    missingRefs: "Pass empty schema with $id that should be ignored to ajv.addSchema.",
		    processCode: "Use option `code: {process: (code, schemaEnv: object) => string}`",
		    sourceCode: "Use option `code: {source: true}`",
		    strictDefaults: "It is default now, see option `strict`.",
		    strictKeywords: "It is default now, see option `strict`.",
		    uniqueItems: '"uniqueItems" keyword is always validated.',
		    unknownFormats: "Disable strict mode or pass `true` to `ajv.addFormat` (or `formats` option).",
		    cache: "Map is used as cache, schema object as key.",
		    serialize: "Map is used as cache, schema object as key.",
		    ajvErrors: "It is default now.",
		};
		const deprecatedOptions = {
		    ignoreKeywordsWithRef: "",
		    jsPropertySyntax: "",
		    unicode: '"minLength"/"maxLength" account for unicode characters by default.',
		};
		const MAX_EXPRESSION = 200;
		// eslint-disable-next-line complexity
		function requiredOptions(o) {
		    var _a, _b, _c, _d, _e, _f, _g, _h, _j, _k, _l, _m, _o, _p, _q, _r, _s, _t, _u, _v, _w, _x, _y, _z, _0;
		    const s = o.strict;
		    const _optz = (_a = o.code) === null || _a === void 0 ? void 0 : _a.optimize;
		    const optimize = _optz === true || _optz === undefined ? 1 : _optz || 0;
		    const regExp = (_c = (_b = o.code) === null || _b === void 0 ? void 0 : _b.regExp) !== null && _c !== void 0 ? _c : defaultRegExp;
		    const uriResolver = (_d = o.uriResolver) !== null && _d !== void 0 ? _d : uri_1.default;
		    return {
		        strictSchema: (_f = (_e = o.strictSchema) !== null && _e !== void 0 ? _e : s) !== null && _f !== void 0 ? _f : true,
		        strictNumbers: (_h = (_g = o.strictNumbers) !== null && _g !== void 0 ? _g : s) !== null && _h !== void 0 ? _h : true,
		        strictTypes: (_k = (_j = o.strictTypes) !== null && _j !== void 0 ? _j : s) !== null && _k !== void 0 ? _k : "log",
		        strictTuples: (_m = (_l = o.strictTuples) !== null && _l !== void 0 ? _l : s) !== null && _m !== void 0 ? _m : "log",
		        strictRequired: (_p = (_o = o.strictRequired) !== null && _o !== void 0 ? _o : s) !== null && _p !== void 0 ? _p : false,
		        code: o.code ? { ...o.code, optimize, regExp } : { optimize, regExp },
		        loopRequired: (_q = o.loopRequired) !== null && _q !== void 0 ? _q : MAX_EXPRESSION,
		        loopEnum: (_r = o.loopEnum) !== null && _r !== void 0 ? _r : MAX_EXPRESSION,
		        meta: (_s = o.meta) !== null && _s !== void 0 ? _s : true,
		        messages: (_t = o.messages) !== null && _t !== void 0 ? _t : true,
		        inlineRefs: (_u = o.inlineRefs) !== null && _u !== void 0 ? _u : true,
		        schemaId: (_v = o.schemaId) !== null && _v !== void 0 ? _v : "$id",
		        addUsedSchema: (_w = o.addUsedSchema) !== null && _w !== void 0 ? _w : true,
		        validateSchema: (_x = o.validateSchema) !== null && _x !== void 0 ? _x : true,
		        validateFormats: (_y = o.validateFormats) !== null && _y !== void 0 ? _y : true,
		        unicodeRegExp: (_z = o.unicodeRegExp) !== null && _z !== void 0 ? _z : true,
		        int32range: (_0 = o.int32range) !== null && _0 !== void 0 ? _0 : true,
		        uriResolver: uriResolver,
		    };
		}
		class Ajv {
		    constructor(opts = {}) {
		        this.schemas = {};
		        this.refs = {};
		        this.formats = Object.create(null);
		        this._compilations = new Set();
		        this._loading = {};
		        this._cache = new Map();
		        opts = this.opts = { ...opts, ...requiredOptions(opts) };
		        const { es5, lines } = this.opts.code;
		        this.scope = new codegen_2.ValueScope({ scope: {}, prefixes: EXT_SCOPE_NAMES, es5, lines });
		        this.logger = getLogger(opts.logger);
		        const formatOpt = opts.validateFormats;
		        opts.validateFormats = false;
		        this.RULES = (0, rules_1.getRules)();
		        checkOptions.call(this, removedOptions, opts, "NOT SUPPORTED");
		        checkOptions.call(this, deprecatedOptions, opts, "DEPRECATED", "warn");
		        this._metaOpts = getMetaSchemaOptions.call(this);
		        if (opts.formats)
		            addInitialFormats.call(this);
		        this._addVocabularies();
		        this._addDefaultMetaSchema();
		        if (opts.keywords)
		            addInitialKeywords.call(this, opts.keywords);
		        if (typeof opts.meta == "object")
		            this.addMetaSchema(opts.meta);
		        addInitialSchemas.call(this);
		        opts.validateFormats = formatOpt;
		    }
		    _addVocabularies() {
		        this.addKeyword("$async");
		    }
		    _addDefaultMetaSchema() {
		        const { $data, meta, schemaId } = this.opts;
		        let _dataRefSchema = $dataRefSchema;
		        if (schemaId === "id") {
		            _dataRefSchema = { ...$dataRefSchema };
		            _dataRefSchema.id = _dataRefSchema.$id;
		            delete _dataRefSchema.$id;
		        }
		        if (meta && $data)
		            this.addMetaSchema(_dataRefSchema, _dataRefSchema[schemaId], false);
		    }
		    defaultMeta() {
		        const { meta, schemaId } = this.opts;
		        return (this.opts.defaultMeta = typeof meta == "object" ? meta[schemaId] || meta : undefined);
		    }
		    validate(schemaKeyRef, // key, ref or schema object
		    // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
		    data // to be validated
		    ) {
		        let v;
		        if (typeof schemaKeyRef == "string") {
		            v = this.getSchema(schemaKeyRef);
		            if (!v)
		                throw new Error(`no schema with key or ref "${schemaKeyRef}"`);
		        }
		        else {
		            v = this.compile(schemaKeyRef);
		        }
		        const valid = v(data);
		        if (!("$async" in v))
		            this.errors = v.errors;
		        return valid;
		    }
		    compile(schema, _meta) {
		        const sch = this._addSchema(schema, _meta);
		        return (sch.validate || this._compileSchemaEnv(sch));
		    }
		    compileAsync(schema, meta) {
		        if (typeof this.opts.loadSchema != "function") {
		            throw new Error("options.loadSchema should be a function");
		        }
		        const { loadSchema } = this.opts;
		        return runCompileAsync.call(this, schema, meta);
		        async function runCompileAsync(_schema, _meta) {
		            await loadMetaSchema.call(this, _schema.$schema);
		            const sch = this._addSchema(_schema, _meta);
		            return sch.validate || _compileAsync.call(this, sch);
		        }
		        async function loadMetaSchema($ref) {
		            if ($ref && !this.getSchema($ref)) {
		                await runCompileAsync.call(this, { $ref }, true);
		            }
		        }
		        async function _compileAsync(sch) {
		            try {
		                return this._compileSchemaEnv(sch);
		            }
		            catch (e) {
		                if (!(e instanceof ref_error_1.default))
		                    throw e;
		                checkLoaded.call(this, e);
		                await loadMissingSchema.call(this, e.missingSchema);
		                return _compileAsync.call(this, sch);
		            }
		        }
		        function checkLoaded({ missingSchema: ref, missingRef }) {
		            if (this.refs[ref]) {
		                throw new Error(`AnySchema ${ref} is loaded but ${missingRef} cannot be resolved`);
		            }
		        }
		        async function loadMissingSchema(ref) {
		            const _schema = await _loadSchema.call(this, ref);
		            if (!this.refs[ref])
		                await loadMetaSchema.call(this, _schema.$schema);
		            if (!this.refs[ref])
		                this.addSchema(_schema, ref, meta);
		        }
		        async function _loadSchema(ref) {
		            const p = this._loading[ref];
		            if (p)
		                return p;
		            try {
		                return await (this._loading[ref] = loadSchema(ref));
		            }
		            finally {
		                delete this._loading[ref];
		            }
		        }
		    }
		    // Adds schema to the instance
		    addSchema(schema, // If array is passed, `key` will be ignored
		    key, // Optional schema key. Can be passed to `validate` method instead of schema object or id/ref. One schema per instance can have empty `id` and `key`.
		    _meta, // true if schema is a meta-schema. Used internally, addMetaSchema should be used instead.
		    _validateSchema = this.opts.validateSchema // false to skip schema validation. Used internally, option validateSchema should be used instead.
		    ) {
		        if (Array.isArray(schema)) {
		            for (const sch of schema)
		                this.addSchema(sch, undefined, _meta, _validateSchema);
		            return this;
		        }
		        let id;
		        if (typeof schema === "object") {
		            const { schemaId } = this.opts;
		            id = schema[schemaId];
		            if (id !== undefined && typeof id != "string") {
		                throw new Error(`schema ${schemaId} must be string`);
		            }
		        }
		        key = (0, resolve_1.normalizeId)(key || id);
		        this._checkUnique(key);
		        this.schemas[key] = this._addSchema(schema, _meta, key, _validateSchema, true);
		        return this;
		    }
		    // Add schema that will be used to validate other schemas
		    // options in META_IGNORE_OPTIONS are alway set to false
		    addMetaSchema(schema, key, // schema key
		    _validateSchema = this.opts.validateSchema // false to skip schema validation, can be used to override validateSchema option for meta-schema
		    ) {
		        this.addSchema(schema, key, true, _validateSchema);
		        return this;
		    }
		    //  Validate schema against its meta-schema
		    validateSchema(schema, throwOrLogError) {
		        if (typeof schema == "boolean")
		            return true;
		        let $schema;
		        $schema = schema.$schema;
		        if ($schema !== undefined && typeof $schema != "string") {
		            throw new Error("$schema must be a string");
		        }
		        $schema = $schema || this.opts.defaultMeta || this.defaultMeta();
		        if (!$schema) {
		            this.logger.warn("meta-schema not available");
		            this.errors = null;
		            return true;
		        }
		        const valid = this.validate($schema, schema);
		        if (!valid && throwOrLogError) {
		            const message = "schema is invalid: " + this.errorsText();
		            if (this.opts.validateSchema === "log")
		                this.logger.error(message);
		            else
		                throw new Error(message);
		        }
		        return valid;
		    }
		    // Get compiled schema by `key` or `ref`.
		    // (`key` that was passed to `addSchema` or full schema reference - `schema.$id` or resolved id)
		    getSchema(keyRef) {
		        let sch;
		        while (typeof (sch = getSchEnv.call(this, keyRef)) == "string")
		            keyRef = sch;
		        if (sch === undefined) {
		            const { schemaId } = this.opts;
		            const root = new compile_1.SchemaEnv({ schema: {}, schemaId });
		            sch = compile_1.resolveSchema.call(this, root, keyRef);
		            if (!sch)
		                return;
		            this.refs[keyRef] = sch;
		        }
		        return (sch.validate || this._compileSchemaEnv(sch));
		    }
		    // Remove cached schema(s).
		    // If no parameter is passed all schemas but meta-schemas are removed.
		    // If RegExp is passed all schemas with key/id matching pattern but meta-schemas are removed.
		    // Even if schema is referenced by other schemas it still can be removed as other schemas have local references.
		    removeSchema(schemaKeyRef) {
		        if (schemaKeyRef instanceof RegExp) {
		            this._removeAllSchemas(this.schemas, schemaKeyRef);
		            this._removeAllSchemas(this.refs, schemaKeyRef);
		            return this;
		        }
		        switch (typeof schemaKeyRef) {
		            case "undefined":
		                this._removeAllSchemas(this.schemas);
		                this._removeAllSchemas(this.refs);
		                this._cache.clear();
		                return this;
		            case "string": {
		                const sch = getSchEnv.call(this, schemaKeyRef);
		                if (typeof sch == "object")
		                    this._cache.delete(sch.schema);
		                delete this.schemas[schemaKeyRef];
		                delete this.refs[schemaKeyRef];
		                return this;
		            }
		            case "object": {
		                const cacheKey = schemaKeyRef;
		                this._cache.delete(cacheKey);
		                let id = schemaKeyRef[this.opts.schemaId];
		                if (id) {
		                    id = (0, resolve_1.normalizeId)(id);
		                    delete this.schemas[id];
		                    delete this.refs[id];
		                }
		                return this;
		            }
		            default:
		                throw new Error("ajv.removeSchema: invalid parameter");
		        }
		    }
		    // add "vocabulary" - a collection of keywords
		    addVocabulary(definitions) {
		        for (const def of definitions)
		            this.addKeyword(def);
		        return this;
		    }
		    addKeyword(kwdOrDef, def // deprecated
		    ) {
		        let keyword;
		        if (typeof kwdOrDef == "string") {
		            keyword = kwdOrDef;
		            if (typeof def == "object") {
		                this.logger.warn("these parameters are deprecated, see docs for addKeyword");
		                def.keyword = keyword;
		            }
		        }
		        else if (typeof kwdOrDef == "object" && def === undefined) {
		            def = kwdOrDef;
		            keyword = def.keyword;
		            if (Array.isArray(keyword) && !keyword.length) {
		                throw new Error("addKeywords: keyword must be string or non-empty array");
		            }
		        }
		        else {
		            throw new Error("invalid addKeywords parameters");
		        }
		        checkKeyword.call(this, keyword, def);
		        if (!def) {
		            (0, util_1.eachItem)(keyword, (kwd) => addRule.call(this, kwd));
		            return this;
		        }
		        keywordMetaschema.call(this, def);
		        const definition = {
		            ...def,
		            type: (0, dataType_1.getJSONTypes)(def.type),
		            schemaType: (0, dataType_1.getJSONTypes)(def.schemaType),
		        };
		        (0, util_1.eachItem)(keyword, definition.type.length === 0
		            ? (k) => addRule.call(this, k, definition)
		            : (k) => definition.type.forEach((t) => addRule.call(this, k, definition, t)));
		        return this;
		    }
		    getKeyword(keyword) {
		        const rule = this.RULES.all[keyword];
		        return typeof rule == "object" ? rule.definition : !!rule;
		    }
		    // Remove keyword
		    removeKeyword(keyword) {
		        // TODO return type should be Ajv
		        const { RULES } = this;
		        delete RULES.keywords[keyword];
		        delete RULES.all[keyword];
		        for (const group of RULES.rules) {
		            const i = group.rules.findIndex((rule) => rule.keyword === keyword);
		            if (i >= 0)
		                group.rules.splice(i, 1);
		        }
		        return this;
		    }
		    // Add format
		    addFormat(name, format) {
		        if (typeof format == "string")
		            format = new RegExp(format);
		        this.formats[name] = format;
		        return this;
		    }
		    errorsText(errors = this.errors, // optional array of validation errors
		    { separator = ", ", dataVar = "data" } = {} // optional options with properties `separator` and `dataVar`
		    ) {
		        if (!errors || errors.length === 0)
		            return "No errors";
		        return errors
		            .map((e) => `${dataVar}${e.instancePath} ${e.message}`)
		            .reduce((text, msg) => text + separator + msg);
		    }
		    $dataMetaSchema(metaSchema, keywordsJsonPointers) {
		        const rules = this.RULES.all;
		        metaSchema = JSON.parse(JSON.stringify(metaSchema));
		        for (const jsonPointer of keywordsJsonPointers) {
		            const segments = jsonPointer.split("/").slice(1); // first segment is an empty string
		            let keywords = metaSchema;
		            for (const seg of segments)
		                keywords = keywords[seg];
		            for (const key in rules) {
		                const rule = rules[key];
		                if (typeof rule != "object")
		                    continue;
		                const { $data } = rule.definition;
		                const schema = keywords[key];
		                if ($data && schema)
		                    keywords[key] = schemaOrData(schema);
		            }
		        }
		        return metaSchema;
		    }
		    _removeAllSchemas(schemas, regex) {
		        for (const keyRef in schemas) {
		            const sch = schemas[keyRef];
		            if (!regex || regex.test(keyRef)) {
		                if (typeof sch == "string") {
		                    delete schemas[keyRef];
		                }
		                else if (sch && !sch.meta) {
		                    this._cache.delete(sch.schema);
		                    delete schemas[keyRef];
		                }
		            }
		        }
		    }
		    _addSchema(schema, meta, baseId, validateSchema = this.opts.validateSchema, addSchema = this.opts.addUsedSchema) {
		        let id;
		        const { schemaId } = this.opts;
		        if (typeof schema == "object") {
		            id = schema[schemaId];
		        }
		        else {
		            if (this.opts.jtd)
		                throw new Error("schema must be object");
		            else if (typeof schema != "boolean")
		                throw new Error("schema must be object or boolean");
		        }
		        let sch = this._cache.get(schema);
		        if (sch !== undefined)
		            return sch;
		        baseId = (0, resolve_1.normalizeId)(id || baseId);
		        const localRefs = resolve_1.getSchemaRefs.call(this, schema, baseId);
		        sch = new compile_1.SchemaEnv({ schema, schemaId, meta, baseId, localRefs });
		        this._cache.set(sch.schema, sch);
		        if (addSchema && !baseId.startsWith("#")) {
		            // TODO atm it is allowed to overwrite schemas without id (instead of not adding them)
		            if (baseId)
		                this._checkUnique(baseId);
		            this.refs[baseId] = sch;
		        }
		        if (validateSchema)
		            this.validateSchema(schema, true);
		        return sch;
		    }
		    _checkUnique(id) {
		        if (this.schemas[id] || this.refs[id]) {
		            throw new Error(`schema with key or id "${id}" already exists`);
		        }
		    }
		    _compileSchemaEnv(sch) {
		        if (sch.meta)
		            this._compileMetaSchema(sch);
		        else
		            compile_1.compileSchema.call(this, sch);
		        /* istanbul ignore if */
		        if (!sch.validate)
		            throw new Error("ajv implementation error");
		        return sch.validate;
		    }
		    _compileMetaSchema(sch) {
		        const currentOpts = this.opts;
		        this.opts = this._metaOpts;
		        try {
		            compile_1.compileSchema.call(this, sch);
		        }
		        finally {
		            this.opts = currentOpts;
		        }
		    }
		}
		Ajv.ValidationError = validation_error_1.default;
		Ajv.MissingRefError = ref_error_1.default;
		exports.default = Ajv;
		function checkOptions(checkOpts, options, msg, log = "error") {
		    for (const key in checkOpts) {
		        const opt = key;
		        if (opt in options)
		            this.logger[log](`${msg}: option ${key}. ${checkOpts[opt]}`);
		    }
		}
		function getSchEnv(keyRef) {
		    keyRef = (0, resolve_1.normalizeId)(keyRef); // TODO tests fail without this line
		    return this.schemas[keyRef] || this.refs[keyRef];
		}
		function addInitialSchemas() {
		    const optsSchemas = this.opts.schemas;
		    if (!optsSchemas)
		        return;
		    if (Array.isArray(optsSchemas))
		        this.addSchema(optsSchemas);
		    else
		        for (const key in optsSchemas)
		            this.addSchema(optsSchemas[key], key);
		}
		function addInitialFormats() {
		    for (const name in this.opts.formats) {
		        const format = this.opts.formats[name];
		        if (format)
		            this.addFormat(name, format);
		    }
		}
		function addInitialKeywords(defs) {
		    if (Array.isArray(defs)) {
		        this.addVocabulary(defs);
		        return;
		    }
		    this.logger.warn("keywords option as map is deprecated, pass array");
		    for (const keyword in defs) {
		        const def = defs[keyword];
		        if (!def.keyword)
		            def.keyword = keyword;
		        this.addKeyword(def);
		    }
		}
		function getMetaSchemaOptions() {
		    const metaOpts = { ...this.opts };
		    for (const opt of META_IGNORE_OPTIONS)
		        delete metaOpts[opt];
		    return metaOpts;
		}
		const noLogs = { log() { }, warn() { }, error() { } };
		function getLogger(logger) {
		    if (logger === false)
		        return noLogs;
		    if (logger === undefined)
		        return console;
		    if (logger.log && logger.warn && logger.error)
		        return logger;
		    throw new Error("logger must implement log, warn and error methods");
		}
		const KEYWORD_NAME = /^[a-z_$][a-z0-9_$:-]*$/i;
		function checkKeyword(keyword, def) {
		    const { RULES } = this;
		    (0, util_1.eachItem)(keyword, (kwd) => {
		        if (RULES.keywords[kwd])
		            throw new Error(`Keyword ${kwd} is already defined`);
		        if (!KEYWORD_NAME.test(kwd))
		            throw new Error(`Keyword ${kwd} has invalid name`);
		    });
		    if (!def)
		        return;
		    if (def.$data && !("code" in def || "validate" in def)) {
		        throw new Error('$data keyword must have "code" or "validate" function');
		    }
		}
		function addRule(keyword, definition, dataType) {
		    var _a;
		    const post = definition === null || definition === void 0 ? void 0 : definition.post;
		    if (dataType && post)
		        throw new Error('keyword with "post" flag cannot have "type"');
		    const { RULES } = this;
		    let ruleGroup = post ? RULES.post : RULES.rules.find(({ type: t }) => t === dataType);
		    if (!ruleGroup) {
		        ruleGroup = { type: dataType, rules: [] };
		        RULES.rules.push(ruleGroup);
		    }
		    RULES.keywords[keyword] = true;
		    if (!definition)
		        return;
		    const rule = {
		        keyword,
		        definition: {
		            ...definition,
		            type: (0, dataType_1.getJSONTypes)(definition.type),
		            schemaType: (0, dataType_1.getJSONTypes)(definition.schemaType),
		        },
		    };
		    if (definition.before)
		        addBeforeRule.call(this, ruleGroup, rule, definition.before);
		    else
		        ruleGroup.rules.push(rule);
		    RULES.all[keyword] = rule;
		    (_a = definition.implements) === null || _a === void 0 ? void 0 : _a.forEach((kwd) => this.addKeyword(kwd));
		}
		function addBeforeRule(ruleGroup, rule, before) {
		    const i = ruleGroup.rules.findIndex((_rule) => _rule.keyword === before);
		    if (i >= 0) {
		        ruleGroup.rules.splice(i, 0, rule);
		    }
		    else {
		        ruleGroup.rules.push(rule);
		        this.logger.warn(`rule ${before} is not defined`);
		    }
		}
		function keywordMetaschema(def) {
		    let { metaSchema } = def;
		    if (metaSchema === undefined)
		        return;
		    if (def.$data && this.opts.$data)
		        metaSchema = schemaOrData(metaSchema);
		    def.validateSchema = this.compile(metaSchema, true);
		}
		const $dataRef = {
		    $ref: "https://raw.githubusercontent.com/ajv-validator/ajv/master/lib/refs/data.json#",
		};
		function schemaOrData(schema) {
		    return { anyOf: [schema, $dataRef] };
		}
		
	} (core$1));
	return core$1;
}

var draft7 = {};

var core = {};

var id = {};

var hasRequiredId;

function requireId () {
	if (hasRequiredId) return id;
	hasRequiredId = 1;
	Object.defineProperty(id, "__esModule", { value: true });
	const def = {
	    keyword: "id",
	    code() {
	        throw new Error('NOT SUPPORTED: keyword "id", use "$id" for schema ID');
	    },
	};
	id.default = def;
	
	return id;
}

var ref$1 = {};

var hasRequiredRef;

function requireRef () {
	if (hasRequiredRef) return ref$1;
	hasRequiredRef = 1;
	Object.defineProperty(ref$1, "__esModule", { value: true });
	ref$1.callRef = ref$1.getValidate = void 0;
	const ref_error_1 = /*@__PURE__*/ requireRef_error();
	const code_1 = /*@__PURE__*/ requireCode();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const names_1 = /*@__PURE__*/ requireNames();
	const compile_1 = /*@__PURE__*/ requireCompile();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const def = {
	    keyword: "$ref",
	    schemaType: "string",
	    code(cxt) {
	        const { gen, schema: $ref, it } = cxt;
	        const { baseId, schemaEnv: env, validateName, opts, self } = it;
	        const { root } = env;
	        if (($ref === "#" || $ref === "#/") && baseId === root.baseId)
	            return callRootRef();
	        const schOrEnv = compile_1.resolveRef.call(self, root, baseId, $ref);
	        if (schOrEnv === undefined)
	            throw new ref_error_1.default(it.opts.uriResolver, baseId, $ref);
	        if (schOrEnv instanceof compile_1.SchemaEnv)
	            return callValidate(schOrEnv);
	        return inlineRefSchema(schOrEnv);
	        function callRootRef() {
	            if (env === root)
	                return callRef(cxt, validateName, env, env.$async);
	            const rootName = gen.scopeValue("root", { ref: root });
	            return callRef(cxt, (0, codegen_1._) `${rootName}.validate`, root, root.$async);
	        }
	        function callValidate(sch) {
	            const v = getValidate(cxt, sch);
	            callRef(cxt, v, sch, sch.$async);
	        }
	        function inlineRefSchema(sch) {
	            const schName = gen.scopeValue("schema", opts.code.source === true ? { ref: sch, code: (0, codegen_1.stringify)(sch) } : { ref: sch });
	            const valid = gen.name("valid");
	            const schCxt = cxt.subschema({
	                schema: sch,
	                dataTypes: [],
	                schemaPath: codegen_1.nil,
	                topSchemaRef: schName,
	                errSchemaPath: $ref,
	            }, valid);
	            cxt.mergeEvaluated(schCxt);
	            cxt.ok(valid);
	        }
	    },
	};
	function getValidate(cxt, sch) {
	    const { gen } = cxt;
	    return sch.validate
	        ? gen.scopeValue("validate", { ref: sch.validate })
	        : (0, codegen_1._) `${gen.scopeValue("wrapper", { ref: sch })}.validate`;
	}
	ref$1.getValidate = getValidate;
	function callRef(cxt, v, sch, $async) {
	    const { gen, it } = cxt;
	    const { allErrors, schemaEnv: env, opts } = it;
	    const passCxt = opts.passContext ? names_1.default.this : codegen_1.nil;
	    if ($async)
	        callAsyncRef();
	    else
	        callSyncRef();
	    function callAsyncRef() {
	        if (!env.$async)
	            throw new Error("async schema referenced by sync schema");
	        const valid = gen.let("valid");
	        gen.try(() => {
	            gen.code((0, codegen_1._) `await ${(0, code_1.callValidateCode)(cxt, v, passCxt)}`);
	            addEvaluatedFrom(v); // TODO will not work with async, it has to be returned with the result
	            if (!allErrors)
	                gen.assign(valid, true);
	        }, (e) => {
	            gen.if((0, codegen_1._) `!(${e} instanceof ${it.ValidationError})`, () => gen.throw(e));
	            addErrorsFrom(e);
	            if (!allErrors)
	                gen.assign(valid, false);
	        });
	        cxt.ok(valid);
	    }
	    function callSyncRef() {
	        cxt.result((0, code_1.callValidateCode)(cxt, v, passCxt), () => addEvaluatedFrom(v), () => addErrorsFrom(v));
	    }
	    function addErrorsFrom(source) {
	        const errs = (0, codegen_1._) `${source}.errors`;
	        gen.assign(names_1.default.vErrors, (0, codegen_1._) `${names_1.default.vErrors} === null ? ${errs} : ${names_1.default.vErrors}.concat(${errs})`); // TODO tagged
	        gen.assign(names_1.default.errors, (0, codegen_1._) `${names_1.default.vErrors}.length`);
	    }
	    function addEvaluatedFrom(source) {
	        var _a;
	        if (!it.opts.unevaluated)
	            return;
	        const schEvaluated = (_a = sch === null || sch === void 0 ? void 0 : sch.validate) === null || _a === void 0 ? void 0 : _a.evaluated;
	        // TODO refactor
	        if (it.props !== true) {
	            if (schEvaluated && !schEvaluated.dynamicProps) {
	                if (schEvaluated.props !== undefined) {
	                    it.props = util_1.mergeEvaluated.props(gen, schEvaluated.props, it.props);
	                }
	            }
	            else {
	                const props = gen.var("props", (0, codegen_1._) `${source}.evaluated.props`);
	                it.props = util_1.mergeEvaluated.props(gen, props, it.props, codegen_1.Name);
	            }
	        }
	        if (it.items !== true) {
	            if (schEvaluated && !schEvaluated.dynamicItems) {
	                if (schEvaluated.items !== undefined) {
	                    it.items = util_1.mergeEvaluated.items(gen, schEvaluated.items, it.items);
	                }
	            }
	            else {
	                const items = gen.var("items", (0, codegen_1._) `${source}.evaluated.items`);
	                it.items = util_1.mergeEvaluated.items(gen, items, it.items, codegen_1.Name);
	            }
	        }
	    }
	}
	ref$1.callRef = callRef;
	ref$1.default = def;
	
	return ref$1;
}

var hasRequiredCore;

function requireCore () {
	if (hasRequiredCore) return core;
	hasRequiredCore = 1;
	Object.defineProperty(core, "__esModule", { value: true });
	const id_1 = /*@__PURE__*/ requireId();
	const ref_1 = /*@__PURE__*/ requireRef();
	const core$1 = [
	    "$schema",
	    "$id",
	    "$defs",
	    "$vocabulary",
	    { keyword: "$comment" },
	    "definitions",
	    id_1.default,
	    ref_1.default,
	];
	core.default = core$1;
	
	return core;
}

var validation$1 = {};

var limitNumber = {};

var hasRequiredLimitNumber;

function requireLimitNumber () {
	if (hasRequiredLimitNumber) return limitNumber;
	hasRequiredLimitNumber = 1;
	Object.defineProperty(limitNumber, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const ops = codegen_1.operators;
	const KWDs = {
	    maximum: { okStr: "<=", ok: ops.LTE, fail: ops.GT },
	    minimum: { okStr: ">=", ok: ops.GTE, fail: ops.LT },
	    exclusiveMaximum: { okStr: "<", ok: ops.LT, fail: ops.GTE },
	    exclusiveMinimum: { okStr: ">", ok: ops.GT, fail: ops.LTE },
	};
	const error = {
	    message: ({ keyword, schemaCode }) => (0, codegen_1.str) `must be ${KWDs[keyword].okStr} ${schemaCode}`,
	    params: ({ keyword, schemaCode }) => (0, codegen_1._) `{comparison: ${KWDs[keyword].okStr}, limit: ${schemaCode}}`,
	};
	const def = {
	    keyword: Object.keys(KWDs),
	    type: "number",
	    schemaType: "number",
	    $data: true,
	    error,
	    code(cxt) {
	        const { keyword, data, schemaCode } = cxt;
	        cxt.fail$data((0, codegen_1._) `${data} ${KWDs[keyword].fail} ${schemaCode} || isNaN(${data})`);
	    },
	};
	limitNumber.default = def;
	
	return limitNumber;
}

var multipleOf = {};

var hasRequiredMultipleOf;

function requireMultipleOf () {
	if (hasRequiredMultipleOf) return multipleOf;
	hasRequiredMultipleOf = 1;
	Object.defineProperty(multipleOf, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const error = {
	    message: ({ schemaCode }) => (0, codegen_1.str) `must be multiple of ${schemaCode}`,
	    params: ({ schemaCode }) => (0, codegen_1._) `{multipleOf: ${schemaCode}}`,
	};
	const def = {
	    keyword: "multipleOf",
	    type: "number",
	    schemaType: "number",
	    $data: true,
	    error,
	    code(cxt) {
	        const { gen, data, schemaCode, it } = cxt;
	        // const bdt = bad$DataType(schemaCode, <string>def.schemaType, $data)
	        const prec = it.opts.multipleOfPrecision;
	        const res = gen.let("res");
	        const invalid = prec
	            ? (0, codegen_1._) `Math.abs(Math.round(${res}) - ${res}) > 1e-${prec}`
	            : (0, codegen_1._) `${res} !== parseInt(${res})`;
	        cxt.fail$data((0, codegen_1._) `(${schemaCode} === 0 || (${res} = ${data}/${schemaCode}, ${invalid}))`);
	    },
	};
	multipleOf.default = def;
	
	return multipleOf;
}

var limitLength = {};

var ucs2length = {};

var hasRequiredUcs2length;

function requireUcs2length () {
	if (hasRequiredUcs2length) return ucs2length;
	hasRequiredUcs2length = 1;
	Object.defineProperty(ucs2length, "__esModule", { value: true });
	// https://mathiasbynens.be/notes/javascript-encoding
	// https://github.com/bestiejs/punycode.js - punycode.ucs2.decode
	function ucs2length$1(str) {
	    const len = str.length;
	    let length = 0;
	    let pos = 0;
	    let value;
	    while (pos < len) {
	        length++;
	        value = str.charCodeAt(pos++);
	        if (value >= 0xd800 && value <= 0xdbff && pos < len) {
	            // high surrogate, and there is a next character
	            value = str.charCodeAt(pos);
	            if ((value & 0xfc00) === 0xdc00)
	                pos++; // low surrogate
	        }
	    }
	    return length;
	}
	ucs2length.default = ucs2length$1;
	ucs2length$1.code = 'require("ajv/dist/runtime/ucs2length").default';
	
	return ucs2length;
}

var hasRequiredLimitLength;

function requireLimitLength () {
	if (hasRequiredLimitLength) return limitLength;
	hasRequiredLimitLength = 1;
	Object.defineProperty(limitLength, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const ucs2length_1 = /*@__PURE__*/ requireUcs2length();
	const error = {
	    message({ keyword, schemaCode }) {
	        const comp = keyword === "maxLength" ? "more" : "fewer";
	        return (0, codegen_1.str) `must NOT have ${comp} than ${schemaCode} characters`;
	    },
	    params: ({ schemaCode }) => (0, codegen_1._) `{limit: ${schemaCode}}`,
	};
	const def = {
	    keyword: ["maxLength", "minLength"],
	    type: "string",
	    schemaType: "number",
	    $data: true,
	    error,
	    code(cxt) {
	        const { keyword, data, schemaCode, it } = cxt;
	        const op = keyword === "maxLength" ? codegen_1.operators.GT : codegen_1.operators.LT;
	        const len = it.opts.unicode === false ? (0, codegen_1._) `${data}.length` : (0, codegen_1._) `${(0, util_1.useFunc)(cxt.gen, ucs2length_1.default)}(${data})`;
	        cxt.fail$data((0, codegen_1._) `${len} ${op} ${schemaCode}`);
	    },
	};
	limitLength.default = def;
	
	return limitLength;
}

var pattern = {};

var hasRequiredPattern;

function requirePattern () {
	if (hasRequiredPattern) return pattern;
	hasRequiredPattern = 1;
	Object.defineProperty(pattern, "__esModule", { value: true });
	const code_1 = /*@__PURE__*/ requireCode();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const error = {
	    message: ({ schemaCode }) => (0, codegen_1.str) `must match pattern "${schemaCode}"`,
	    params: ({ schemaCode }) => (0, codegen_1._) `{pattern: ${schemaCode}}`,
	};
	const def = {
	    keyword: "pattern",
	    type: "string",
	    schemaType: "string",
	    $data: true,
	    error,
	    code(cxt) {
	        const { gen, data, $data, schema, schemaCode, it } = cxt;
	        const u = it.opts.unicodeRegExp ? "u" : "";
	        if ($data) {
	            const { regExp } = it.opts.code;
	            const regExpCode = regExp.code === "new RegExp" ? (0, codegen_1._) `new RegExp` : (0, util_1.useFunc)(gen, regExp);
	            const valid = gen.let("valid");
	            gen.try(() => gen.assign(valid, (0, codegen_1._) `${regExpCode}(${schemaCode}, ${u}).test(${data})`), () => gen.assign(valid, false));
	            cxt.fail$data((0, codegen_1._) `!${valid}`);
	        }
	        else {
	            const regExp = (0, code_1.usePattern)(cxt, schema);
	            cxt.fail$data((0, codegen_1._) `!${regExp}.test(${data})`);
	        }
	    },
	};
	pattern.default = def;
	
	return pattern;
}

var limitProperties = {};

var hasRequiredLimitProperties;

function requireLimitProperties () {
	if (hasRequiredLimitProperties) return limitProperties;
	hasRequiredLimitProperties = 1;
	Object.defineProperty(limitProperties, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const error = {
	    message({ keyword, schemaCode }) {
	        const comp = keyword === "maxProperties" ? "more" : "fewer";
	        return (0, codegen_1.str) `must NOT have ${comp} than ${schemaCode} properties`;
	    },
	    params: ({ schemaCode }) => (0, codegen_1._) `{limit: ${schemaCode}}`,
	};
	const def = {
	    keyword: ["maxProperties", "minProperties"],
	    type: "object",
	    schemaType: "number",
	    $data: true,
	    error,
	    code(cxt) {
	        const { keyword, data, schemaCode } = cxt;
	        const op = keyword === "maxProperties" ? codegen_1.operators.GT : codegen_1.operators.LT;
	        cxt.fail$data((0, codegen_1._) `Object.keys(${data}).length ${op} ${schemaCode}`);
	    },
	};
	limitProperties.default = def;
	
	return limitProperties;
}

var required = {};

var hasRequiredRequired;

function requireRequired () {
	if (hasRequiredRequired) return required;
	hasRequiredRequired = 1;
	Object.defineProperty(required, "__esModule", { value: true });
	const code_1 = /*@__PURE__*/ requireCode();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: ({ params: { missingProperty } }) => (0, codegen_1.str) `must have required property '${missingProperty}'`,
	    params: ({ params: { missingProperty } }) => (0, codegen_1._) `{missingProperty: ${missingProperty}}`,
	};
	const def = {
	    keyword: "required",
	    type: "object",
	    schemaType: "array",
	    $data: true,
	    error,
	    code(cxt) {
	        const { gen, schema, schemaCode, data, $data, it } = cxt;
	        const { opts } = it;
	        if (!$data && schema.length === 0)
	            return;
	        const useLoop = schema.length >= opts.loopRequired;
	        if (it.allErrors)
	            allErrorsMode();
	        else
	            exitOnErrorMode();
	        if (opts.strictRequired) {
	            const props = cxt.parentSchema.properties;
	            const { definedProperties } = cxt.it;
	            for (const requiredKey of schema) {
	                if ((props === null || props === void 0 ? void 0 : props[requiredKey]) === undefined && !definedProperties.has(requiredKey)) {
	                    const schemaPath = it.schemaEnv.baseId + it.errSchemaPath;
	                    const msg = `required property "${requiredKey}" is not defined at "${schemaPath}" (strictRequired)`;
	                    (0, util_1.checkStrictMode)(it, msg, it.opts.strictRequired);
	                }
	            }
	        }
	        function allErrorsMode() {
	            if (useLoop || $data) {
	                cxt.block$data(codegen_1.nil, loopAllRequired);
	            }
	            else {
	                for (const prop of schema) {
	                    (0, code_1.checkReportMissingProp)(cxt, prop);
	                }
	            }
	        }
	        function exitOnErrorMode() {
	            const missing = gen.let("missing");
	            if (useLoop || $data) {
	                const valid = gen.let("valid", true);
	                cxt.block$data(valid, () => loopUntilMissing(missing, valid));
	                cxt.ok(valid);
	            }
	            else {
	                gen.if((0, code_1.checkMissingProp)(cxt, schema, missing));
	                (0, code_1.reportMissingProp)(cxt, missing);
	                gen.else();
	            }
	        }
	        function loopAllRequired() {
	            gen.forOf("prop", schemaCode, (prop) => {
	                cxt.setParams({ missingProperty: prop });
	                gen.if((0, code_1.noPropertyInData)(gen, data, prop, opts.ownProperties), () => cxt.error());
	            });
	        }
	        function loopUntilMissing(missing, valid) {
	            cxt.setParams({ missingProperty: missing });
	            gen.forOf(missing, schemaCode, () => {
	                gen.assign(valid, (0, code_1.propertyInData)(gen, data, missing, opts.ownProperties));
	                gen.if((0, codegen_1.not)(valid), () => {
	                    cxt.error();
	                    gen.break();
	                });
	            }, codegen_1.nil);
	        }
	    },
	};
	required.default = def;
	
	return required;
}

var limitItems = {};

var hasRequiredLimitItems;

function requireLimitItems () {
	if (hasRequiredLimitItems) return limitItems;
	hasRequiredLimitItems = 1;
	Object.defineProperty(limitItems, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const error = {
	    message({ keyword, schemaCode }) {
	        const comp = keyword === "maxItems" ? "more" : "fewer";
	        return (0, codegen_1.str) `must NOT have ${comp} than ${schemaCode} items`;
	    },
	    params: ({ schemaCode }) => (0, codegen_1._) `{limit: ${schemaCode}}`,
	};
	const def = {
	    keyword: ["maxItems", "minItems"],
	    type: "array",
	    schemaType: "number",
	    $data: true,
	    error,
	    code(cxt) {
	        const { keyword, data, schemaCode } = cxt;
	        const op = keyword === "maxItems" ? codegen_1.operators.GT : codegen_1.operators.LT;
	        cxt.fail$data((0, codegen_1._) `${data}.length ${op} ${schemaCode}`);
	    },
	};
	limitItems.default = def;
	
	return limitItems;
}

var uniqueItems = {};

var equal = {};

var hasRequiredEqual;

function requireEqual () {
	if (hasRequiredEqual) return equal;
	hasRequiredEqual = 1;
	Object.defineProperty(equal, "__esModule", { value: true });
	// https://github.com/ajv-validator/ajv/issues/889
	const equal$1 = requireFastDeepEqual();
	equal$1.code = 'require("ajv/dist/runtime/equal").default';
	equal.default = equal$1;
	
	return equal;
}

var hasRequiredUniqueItems;

function requireUniqueItems () {
	if (hasRequiredUniqueItems) return uniqueItems;
	hasRequiredUniqueItems = 1;
	Object.defineProperty(uniqueItems, "__esModule", { value: true });
	const dataType_1 = /*@__PURE__*/ requireDataType();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const equal_1 = /*@__PURE__*/ requireEqual();
	const error = {
	    message: ({ params: { i, j } }) => (0, codegen_1.str) `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
	    params: ({ params: { i, j } }) => (0, codegen_1._) `{i: ${i}, j: ${j}}`,
	};
	const def = {
	    keyword: "uniqueItems",
	    type: "array",
	    schemaType: "boolean",
	    $data: true,
	    error,
	    code(cxt) {
	        const { gen, data, $data, schema, parentSchema, schemaCode, it } = cxt;
	        if (!$data && !schema)
	            return;
	        const valid = gen.let("valid");
	        const itemTypes = parentSchema.items ? (0, dataType_1.getSchemaTypes)(parentSchema.items) : [];
	        cxt.block$data(valid, validateUniqueItems, (0, codegen_1._) `${schemaCode} === false`);
	        cxt.ok(valid);
	        function validateUniqueItems() {
	            const i = gen.let("i", (0, codegen_1._) `${data}.length`);
	            const j = gen.let("j");
	            cxt.setParams({ i, j });
	            gen.assign(valid, true);
	            gen.if((0, codegen_1._) `${i} > 1`, () => (canOptimize() ? loopN : loopN2)(i, j));
	        }
	        function canOptimize() {
	            return itemTypes.length > 0 && !itemTypes.some((t) => t === "object" || t === "array");
	        }
	        function loopN(i, j) {
	            const item = gen.name("item");
	            const wrongType = (0, dataType_1.checkDataTypes)(itemTypes, item, it.opts.strictNumbers, dataType_1.DataType.Wrong);
	            const indices = gen.const("indices", (0, codegen_1._) `{}`);
	            gen.for((0, codegen_1._) `;${i}--;`, () => {
	                gen.let(item, (0, codegen_1._) `${data}[${i}]`);
	                gen.if(wrongType, (0, codegen_1._) `continue`);
	                if (itemTypes.length > 1)
	                    gen.if((0, codegen_1._) `typeof ${item} == "string"`, (0, codegen_1._) `${item} += "_"`);
	                gen
	                    .if((0, codegen_1._) `typeof ${indices}[${item}] == "number"`, () => {
	                    gen.assign(j, (0, codegen_1._) `${indices}[${item}]`);
	                    cxt.error();
	                    gen.assign(valid, false).break();
	                })
	                    .code((0, codegen_1._) `${indices}[${item}] = ${i}`);
	            });
	        }
	        function loopN2(i, j) {
	            const eql = (0, util_1.useFunc)(gen, equal_1.default);
	            const outer = gen.name("outer");
	            gen.label(outer).for((0, codegen_1._) `;${i}--;`, () => gen.for((0, codegen_1._) `${j} = ${i}; ${j}--;`, () => gen.if((0, codegen_1._) `${eql}(${data}[${i}], ${data}[${j}])`, () => {
	                cxt.error();
	                gen.assign(valid, false).break(outer);
	            })));
	        }
	    },
	};
	uniqueItems.default = def;
	
	return uniqueItems;
}

var _const = {};

var hasRequired_const;

function require_const () {
	if (hasRequired_const) return _const;
	hasRequired_const = 1;
	Object.defineProperty(_const, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const equal_1 = /*@__PURE__*/ requireEqual();
	const error = {
	    message: "must be equal to constant",
	    params: ({ schemaCode }) => (0, codegen_1._) `{allowedValue: ${schemaCode}}`,
	};
	const def = {
	    keyword: "const",
	    $data: true,
	    error,
	    code(cxt) {
	        const { gen, data, $data, schemaCode, schema } = cxt;
	        if ($data || (schema && typeof schema == "object")) {
	            cxt.fail$data((0, codegen_1._) `!${(0, util_1.useFunc)(gen, equal_1.default)}(${data}, ${schemaCode})`);
	        }
	        else {
	            cxt.fail((0, codegen_1._) `${schema} !== ${data}`);
	        }
	    },
	};
	_const.default = def;
	
	return _const;
}

var _enum = {};

var hasRequired_enum;

function require_enum () {
	if (hasRequired_enum) return _enum;
	hasRequired_enum = 1;
	Object.defineProperty(_enum, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const equal_1 = /*@__PURE__*/ requireEqual();
	const error = {
	    message: "must be equal to one of the allowed values",
	    params: ({ schemaCode }) => (0, codegen_1._) `{allowedValues: ${schemaCode}}`,
	};
	const def = {
	    keyword: "enum",
	    schemaType: "array",
	    $data: true,
	    error,
	    code(cxt) {
	        const { gen, data, $data, schema, schemaCode, it } = cxt;
	        if (!$data && schema.length === 0)
	            throw new Error("enum must have non-empty array");
	        const useLoop = schema.length >= it.opts.loopEnum;
	        let eql;
	        const getEql = () => (eql !== null && eql !== void 0 ? eql : (eql = (0, util_1.useFunc)(gen, equal_1.default)));
	        let valid;
	        if (useLoop || $data) {
	            valid = gen.let("valid");
	            cxt.block$data(valid, loopEnum);
	        }
	        else {
	            /* istanbul ignore if */
	            if (!Array.isArray(schema))
	                throw new Error("ajv implementation error");
	            const vSchema = gen.const("vSchema", schemaCode);
	            valid = (0, codegen_1.or)(...schema.map((_x, i) => equalCode(vSchema, i)));
	        }
	        cxt.pass(valid);
	        function loopEnum() {
	            gen.assign(valid, false);
	            gen.forOf("v", schemaCode, (v) => gen.if((0, codegen_1._) `${getEql()}(${data}, ${v})`, () => gen.assign(valid, true).break()));
	        }
	        function equalCode(vSchema, i) {
	            const sch = schema[i];
	            return typeof sch === "object" && sch !== null
	                ? (0, codegen_1._) `${getEql()}(${data}, ${vSchema}[${i}])`
	                : (0, codegen_1._) `${data} === ${sch}`;
	        }
	    },
	};
	_enum.default = def;
	
	return _enum;
}

var hasRequiredValidation$1;

function requireValidation$1 () {
	if (hasRequiredValidation$1) return validation$1;
	hasRequiredValidation$1 = 1;
	Object.defineProperty(validation$1, "__esModule", { value: true });
	const limitNumber_1 = /*@__PURE__*/ requireLimitNumber();
	const multipleOf_1 = /*@__PURE__*/ requireMultipleOf();
	const limitLength_1 = /*@__PURE__*/ requireLimitLength();
	const pattern_1 = /*@__PURE__*/ requirePattern();
	const limitProperties_1 = /*@__PURE__*/ requireLimitProperties();
	const required_1 = /*@__PURE__*/ requireRequired();
	const limitItems_1 = /*@__PURE__*/ requireLimitItems();
	const uniqueItems_1 = /*@__PURE__*/ requireUniqueItems();
	const const_1 = /*@__PURE__*/ require_const();
	const enum_1 = /*@__PURE__*/ require_enum();
	const validation = [
	    // number
	    limitNumber_1.default,
	    multipleOf_1.default,
	    // string
	    limitLength_1.default,
	    pattern_1.default,
	    // object
	    limitProperties_1.default,
	    required_1.default,
	    // array
	    limitItems_1.default,
	    uniqueItems_1.default,
	    // any
	    { keyword: "type", schemaType: ["string", "array"] },
	    { keyword: "nullable", schemaType: "boolean" },
	    const_1.default,
	    enum_1.default,
	];
	validation$1.default = validation;
	
	return validation$1;
}

var applicator = {};

var additionalItems = {};

var hasRequiredAdditionalItems;

function requireAdditionalItems () {
	if (hasRequiredAdditionalItems) return additionalItems;
	hasRequiredAdditionalItems = 1;
	Object.defineProperty(additionalItems, "__esModule", { value: true });
	additionalItems.validateAdditionalItems = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: ({ params: { len } }) => (0, codegen_1.str) `must NOT have more than ${len} items`,
	    params: ({ params: { len } }) => (0, codegen_1._) `{limit: ${len}}`,
	};
	const def = {
	    keyword: "additionalItems",
	    type: "array",
	    schemaType: ["boolean", "object"],
	    before: "uniqueItems",
	    error,
	    code(cxt) {
	        const { parentSchema, it } = cxt;
	        const { items } = parentSchema;
	        if (!Array.isArray(items)) {
	            (0, util_1.checkStrictMode)(it, '"additionalItems" is ignored when "items" is not an array of schemas');
	            return;
	        }
	        validateAdditionalItems(cxt, items);
	    },
	};
	function validateAdditionalItems(cxt, items) {
	    const { gen, schema, data, keyword, it } = cxt;
	    it.items = true;
	    const len = gen.const("len", (0, codegen_1._) `${data}.length`);
	    if (schema === false) {
	        cxt.setParams({ len: items.length });
	        cxt.pass((0, codegen_1._) `${len} <= ${items.length}`);
	    }
	    else if (typeof schema == "object" && !(0, util_1.alwaysValidSchema)(it, schema)) {
	        const valid = gen.var("valid", (0, codegen_1._) `${len} <= ${items.length}`); // TODO var
	        gen.if((0, codegen_1.not)(valid), () => validateItems(valid));
	        cxt.ok(valid);
	    }
	    function validateItems(valid) {
	        gen.forRange("i", items.length, len, (i) => {
	            cxt.subschema({ keyword, dataProp: i, dataPropType: util_1.Type.Num }, valid);
	            if (!it.allErrors)
	                gen.if((0, codegen_1.not)(valid), () => gen.break());
	        });
	    }
	}
	additionalItems.validateAdditionalItems = validateAdditionalItems;
	additionalItems.default = def;
	
	return additionalItems;
}

var prefixItems = {};

var items = {};

var hasRequiredItems;

function requireItems () {
	if (hasRequiredItems) return items;
	hasRequiredItems = 1;
	Object.defineProperty(items, "__esModule", { value: true });
	items.validateTuple = void 0;
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const code_1 = /*@__PURE__*/ requireCode();
	const def = {
	    keyword: "items",
	    type: "array",
	    schemaType: ["object", "array", "boolean"],
	    before: "uniqueItems",
	    code(cxt) {
	        const { schema, it } = cxt;
	        if (Array.isArray(schema))
	            return validateTuple(cxt, "additionalItems", schema);
	        it.items = true;
	        if ((0, util_1.alwaysValidSchema)(it, schema))
	            return;
	        cxt.ok((0, code_1.validateArray)(cxt));
	    },
	};
	function validateTuple(cxt, extraItems, schArr = cxt.schema) {
	    const { gen, parentSchema, data, keyword, it } = cxt;
	    checkStrictTuple(parentSchema);
	    if (it.opts.unevaluated && schArr.length && it.items !== true) {
	        it.items = util_1.mergeEvaluated.items(gen, schArr.length, it.items);
	    }
	    const valid = gen.name("valid");
	    const len = gen.const("len", (0, codegen_1._) `${data}.length`);
	    schArr.forEach((sch, i) => {
	        if ((0, util_1.alwaysValidSchema)(it, sch))
	            return;
	        gen.if((0, codegen_1._) `${len} > ${i}`, () => cxt.subschema({
	            keyword,
	            schemaProp: i,
	            dataProp: i,
	        }, valid));
	        cxt.ok(valid);
	    });
	    function checkStrictTuple(sch) {
	        const { opts, errSchemaPath } = it;
	        const l = schArr.length;
	        const fullTuple = l === sch.minItems && (l === sch.maxItems || sch[extraItems] === false);
	        if (opts.strictTuples && !fullTuple) {
	            const msg = `"${keyword}" is ${l}-tuple, but minItems or maxItems/${extraItems} are not specified or different at path "${errSchemaPath}"`;
	            (0, util_1.checkStrictMode)(it, msg, opts.strictTuples);
	        }
	    }
	}
	items.validateTuple = validateTuple;
	items.default = def;
	
	return items;
}

var hasRequiredPrefixItems;

function requirePrefixItems () {
	if (hasRequiredPrefixItems) return prefixItems;
	hasRequiredPrefixItems = 1;
	Object.defineProperty(prefixItems, "__esModule", { value: true });
	const items_1 = /*@__PURE__*/ requireItems();
	const def = {
	    keyword: "prefixItems",
	    type: "array",
	    schemaType: ["array"],
	    before: "uniqueItems",
	    code: (cxt) => (0, items_1.validateTuple)(cxt, "items"),
	};
	prefixItems.default = def;
	
	return prefixItems;
}

var items2020 = {};

var hasRequiredItems2020;

function requireItems2020 () {
	if (hasRequiredItems2020) return items2020;
	hasRequiredItems2020 = 1;
	Object.defineProperty(items2020, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const code_1 = /*@__PURE__*/ requireCode();
	const additionalItems_1 = /*@__PURE__*/ requireAdditionalItems();
	const error = {
	    message: ({ params: { len } }) => (0, codegen_1.str) `must NOT have more than ${len} items`,
	    params: ({ params: { len } }) => (0, codegen_1._) `{limit: ${len}}`,
	};
	const def = {
	    keyword: "items",
	    type: "array",
	    schemaType: ["object", "boolean"],
	    before: "uniqueItems",
	    error,
	    code(cxt) {
	        const { schema, parentSchema, it } = cxt;
	        const { prefixItems } = parentSchema;
	        it.items = true;
	        if ((0, util_1.alwaysValidSchema)(it, schema))
	            return;
	        if (prefixItems)
	            (0, additionalItems_1.validateAdditionalItems)(cxt, prefixItems);
	        else
	            cxt.ok((0, code_1.validateArray)(cxt));
	    },
	};
	items2020.default = def;
	
	return items2020;
}

var contains = {};

var hasRequiredContains;

function requireContains () {
	if (hasRequiredContains) return contains;
	hasRequiredContains = 1;
	Object.defineProperty(contains, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: ({ params: { min, max } }) => max === undefined
	        ? (0, codegen_1.str) `must contain at least ${min} valid item(s)`
	        : (0, codegen_1.str) `must contain at least ${min} and no more than ${max} valid item(s)`,
	    params: ({ params: { min, max } }) => max === undefined ? (0, codegen_1._) `{minContains: ${min}}` : (0, codegen_1._) `{minContains: ${min}, maxContains: ${max}}`,
	};
	const def = {
	    keyword: "contains",
	    type: "array",
	    schemaType: ["object", "boolean"],
	    before: "uniqueItems",
	    trackErrors: true,
	    error,
	    code(cxt) {
	        const { gen, schema, parentSchema, data, it } = cxt;
	        let min;
	        let max;
	        const { minContains, maxContains } = parentSchema;
	        if (it.opts.next) {
	            min = minContains === undefined ? 1 : minContains;
	            max = maxContains;
	        }
	        else {
	            min = 1;
	        }
	        const len = gen.const("len", (0, codegen_1._) `${data}.length`);
	        cxt.setParams({ min, max });
	        if (max === undefined && min === 0) {
	            (0, util_1.checkStrictMode)(it, `"minContains" == 0 without "maxContains": "contains" keyword ignored`);
	            return;
	        }
	        if (max !== undefined && min > max) {
	            (0, util_1.checkStrictMode)(it, `"minContains" > "maxContains" is always invalid`);
	            cxt.fail();
	            return;
	        }
	        if ((0, util_1.alwaysValidSchema)(it, schema)) {
	            let cond = (0, codegen_1._) `${len} >= ${min}`;
	            if (max !== undefined)
	                cond = (0, codegen_1._) `${cond} && ${len} <= ${max}`;
	            cxt.pass(cond);
	            return;
	        }
	        it.items = true;
	        const valid = gen.name("valid");
	        if (max === undefined && min === 1) {
	            validateItems(valid, () => gen.if(valid, () => gen.break()));
	        }
	        else if (min === 0) {
	            gen.let(valid, true);
	            if (max !== undefined)
	                gen.if((0, codegen_1._) `${data}.length > 0`, validateItemsWithCount);
	        }
	        else {
	            gen.let(valid, false);
	            validateItemsWithCount();
	        }
	        cxt.result(valid, () => cxt.reset());
	        function validateItemsWithCount() {
	            const schValid = gen.name("_valid");
	            const count = gen.let("count", 0);
	            validateItems(schValid, () => gen.if(schValid, () => checkLimits(count)));
	        }
	        function validateItems(_valid, block) {
	            gen.forRange("i", 0, len, (i) => {
	                cxt.subschema({
	                    keyword: "contains",
	                    dataProp: i,
	                    dataPropType: util_1.Type.Num,
	                    compositeRule: true,
	                }, _valid);
	                block();
	            });
	        }
	        function checkLimits(count) {
	            gen.code((0, codegen_1._) `${count}++`);
	            if (max === undefined) {
	                gen.if((0, codegen_1._) `${count} >= ${min}`, () => gen.assign(valid, true).break());
	            }
	            else {
	                gen.if((0, codegen_1._) `${count} > ${max}`, () => gen.assign(valid, false).break());
	                if (min === 1)
	                    gen.assign(valid, true);
	                else
	                    gen.if((0, codegen_1._) `${count} >= ${min}`, () => gen.assign(valid, true));
	            }
	        }
	    },
	};
	contains.default = def;
	
	return contains;
}

var dependencies = {};

var hasRequiredDependencies;

function requireDependencies () {
	if (hasRequiredDependencies) return dependencies;
	hasRequiredDependencies = 1;
	(function (exports) {
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.validateSchemaDeps = exports.validatePropertyDeps = exports.error = void 0;
		const codegen_1 = /*@__PURE__*/ requireCodegen();
		const util_1 = /*@__PURE__*/ requireUtil$1();
		const code_1 = /*@__PURE__*/ requireCode();
		exports.error = {
		    message: ({ params: { property, depsCount, deps } }) => {
		        const property_ies = depsCount === 1 ? "property" : "properties";
		        return (0, codegen_1.str) `must have ${property_ies} ${deps} when property ${property} is present`;
		    },
		    params: ({ params: { property, depsCount, deps, missingProperty } }) => (0, codegen_1._) `{property: ${property},
    missingProperty: ${missingProperty},
    depsCount: ${depsCount},
    deps: ${deps}}`, // TODO change to reference
		};
		const def = {
		    keyword: "dependencies",
		    type: "object",
		    schemaType: "object",
		    error: exports.error,
		    code(cxt) {
		        const [propDeps, schDeps] = splitDependencies(cxt);
		        validatePropertyDeps(cxt, propDeps);
		        validateSchemaDeps(cxt, schDeps);
		    },
		};
		function splitDependencies({ schema }) {
		    const propertyDeps = {};
		    const schemaDeps = {};
		    for (const key in schema) {
		        if (key === "__proto__")
		            continue;
		        const deps = Array.isArray(schema[key]) ? propertyDeps : schemaDeps;
		        deps[key] = schema[key];
		    }
		    return [propertyDeps, schemaDeps];
		}
		function validatePropertyDeps(cxt, propertyDeps = cxt.schema) {
		    const { gen, data, it } = cxt;
		    if (Object.keys(propertyDeps).length === 0)
		        return;
		    const missing = gen.let("missing");
		    for (const prop in propertyDeps) {
		        const deps = propertyDeps[prop];
		        if (deps.length === 0)
		            continue;
		        const hasProperty = (0, code_1.propertyInData)(gen, data, prop, it.opts.ownProperties);
		        cxt.setParams({
		            property: prop,
		            depsCount: deps.length,
		            deps: deps.join(", "),
		        });
		        if (it.allErrors) {
		            gen.if(hasProperty, () => {
		                for (const depProp of deps) {
		                    (0, code_1.checkReportMissingProp)(cxt, depProp);
		                }
		            });
		        }
		        else {
		            gen.if((0, codegen_1._) `${hasProperty} && (${(0, code_1.checkMissingProp)(cxt, deps, missing)})`);
		            (0, code_1.reportMissingProp)(cxt, missing);
		            gen.else();
		        }
		    }
		}
		exports.validatePropertyDeps = validatePropertyDeps;
		function validateSchemaDeps(cxt, schemaDeps = cxt.schema) {
		    const { gen, data, keyword, it } = cxt;
		    const valid = gen.name("valid");
		    for (const prop in schemaDeps) {
		        if ((0, util_1.alwaysValidSchema)(it, schemaDeps[prop]))
		            continue;
		        gen.if((0, code_1.propertyInData)(gen, data, prop, it.opts.ownProperties), () => {
		            const schCxt = cxt.subschema({ keyword, schemaProp: prop }, valid);
		            cxt.mergeValidEvaluated(schCxt, valid);
		        }, () => gen.var(valid, true) // TODO var
		        );
		        cxt.ok(valid);
		    }
		}
		exports.validateSchemaDeps = validateSchemaDeps;
		exports.default = def;
		
	} (dependencies));
	return dependencies;
}

var propertyNames = {};

var hasRequiredPropertyNames;

function requirePropertyNames () {
	if (hasRequiredPropertyNames) return propertyNames;
	hasRequiredPropertyNames = 1;
	Object.defineProperty(propertyNames, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: "property name must be valid",
	    params: ({ params }) => (0, codegen_1._) `{propertyName: ${params.propertyName}}`,
	};
	const def = {
	    keyword: "propertyNames",
	    type: "object",
	    schemaType: ["object", "boolean"],
	    error,
	    code(cxt) {
	        const { gen, schema, data, it } = cxt;
	        if ((0, util_1.alwaysValidSchema)(it, schema))
	            return;
	        const valid = gen.name("valid");
	        gen.forIn("key", data, (key) => {
	            cxt.setParams({ propertyName: key });
	            cxt.subschema({
	                keyword: "propertyNames",
	                data: key,
	                dataTypes: ["string"],
	                propertyName: key,
	                compositeRule: true,
	            }, valid);
	            gen.if((0, codegen_1.not)(valid), () => {
	                cxt.error(true);
	                if (!it.allErrors)
	                    gen.break();
	            });
	        });
	        cxt.ok(valid);
	    },
	};
	propertyNames.default = def;
	
	return propertyNames;
}

var additionalProperties = {};

var hasRequiredAdditionalProperties;

function requireAdditionalProperties () {
	if (hasRequiredAdditionalProperties) return additionalProperties;
	hasRequiredAdditionalProperties = 1;
	Object.defineProperty(additionalProperties, "__esModule", { value: true });
	const code_1 = /*@__PURE__*/ requireCode();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const names_1 = /*@__PURE__*/ requireNames();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: "must NOT have additional properties",
	    params: ({ params }) => (0, codegen_1._) `{additionalProperty: ${params.additionalProperty}}`,
	};
	const def = {
	    keyword: "additionalProperties",
	    type: ["object"],
	    schemaType: ["boolean", "object"],
	    allowUndefined: true,
	    trackErrors: true,
	    error,
	    code(cxt) {
	        const { gen, schema, parentSchema, data, errsCount, it } = cxt;
	        /* istanbul ignore if */
	        if (!errsCount)
	            throw new Error("ajv implementation error");
	        const { allErrors, opts } = it;
	        it.props = true;
	        if (opts.removeAdditional !== "all" && (0, util_1.alwaysValidSchema)(it, schema))
	            return;
	        const props = (0, code_1.allSchemaProperties)(parentSchema.properties);
	        const patProps = (0, code_1.allSchemaProperties)(parentSchema.patternProperties);
	        checkAdditionalProperties();
	        cxt.ok((0, codegen_1._) `${errsCount} === ${names_1.default.errors}`);
	        function checkAdditionalProperties() {
	            gen.forIn("key", data, (key) => {
	                if (!props.length && !patProps.length)
	                    additionalPropertyCode(key);
	                else
	                    gen.if(isAdditional(key), () => additionalPropertyCode(key));
	            });
	        }
	        function isAdditional(key) {
	            let definedProp;
	            if (props.length > 8) {
	                // TODO maybe an option instead of hard-coded 8?
	                const propsSchema = (0, util_1.schemaRefOrVal)(it, parentSchema.properties, "properties");
	                definedProp = (0, code_1.isOwnProperty)(gen, propsSchema, key);
	            }
	            else if (props.length) {
	                definedProp = (0, codegen_1.or)(...props.map((p) => (0, codegen_1._) `${key} === ${p}`));
	            }
	            else {
	                definedProp = codegen_1.nil;
	            }
	            if (patProps.length) {
	                definedProp = (0, codegen_1.or)(definedProp, ...patProps.map((p) => (0, codegen_1._) `${(0, code_1.usePattern)(cxt, p)}.test(${key})`));
	            }
	            return (0, codegen_1.not)(definedProp);
	        }
	        function deleteAdditional(key) {
	            gen.code((0, codegen_1._) `delete ${data}[${key}]`);
	        }
	        function additionalPropertyCode(key) {
	            if (opts.removeAdditional === "all" || (opts.removeAdditional && schema === false)) {
	                deleteAdditional(key);
	                return;
	            }
	            if (schema === false) {
	                cxt.setParams({ additionalProperty: key });
	                cxt.error();
	                if (!allErrors)
	                    gen.break();
	                return;
	            }
	            if (typeof schema == "object" && !(0, util_1.alwaysValidSchema)(it, schema)) {
	                const valid = gen.name("valid");
	                if (opts.removeAdditional === "failing") {
	                    applyAdditionalSchema(key, valid, false);
	                    gen.if((0, codegen_1.not)(valid), () => {
	                        cxt.reset();
	                        deleteAdditional(key);
	                    });
	                }
	                else {
	                    applyAdditionalSchema(key, valid);
	                    if (!allErrors)
	                        gen.if((0, codegen_1.not)(valid), () => gen.break());
	                }
	            }
	        }
	        function applyAdditionalSchema(key, valid, errors) {
	            const subschema = {
	                keyword: "additionalProperties",
	                dataProp: key,
	                dataPropType: util_1.Type.Str,
	            };
	            if (errors === false) {
	                Object.assign(subschema, {
	                    compositeRule: true,
	                    createErrors: false,
	                    allErrors: false,
	                });
	            }
	            cxt.subschema(subschema, valid);
	        }
	    },
	};
	additionalProperties.default = def;
	
	return additionalProperties;
}

var properties$1 = {};

var hasRequiredProperties;

function requireProperties () {
	if (hasRequiredProperties) return properties$1;
	hasRequiredProperties = 1;
	Object.defineProperty(properties$1, "__esModule", { value: true });
	const validate_1 = /*@__PURE__*/ requireValidate();
	const code_1 = /*@__PURE__*/ requireCode();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const additionalProperties_1 = /*@__PURE__*/ requireAdditionalProperties();
	const def = {
	    keyword: "properties",
	    type: "object",
	    schemaType: "object",
	    code(cxt) {
	        const { gen, schema, parentSchema, data, it } = cxt;
	        if (it.opts.removeAdditional === "all" && parentSchema.additionalProperties === undefined) {
	            additionalProperties_1.default.code(new validate_1.KeywordCxt(it, additionalProperties_1.default, "additionalProperties"));
	        }
	        const allProps = (0, code_1.allSchemaProperties)(schema);
	        for (const prop of allProps) {
	            it.definedProperties.add(prop);
	        }
	        if (it.opts.unevaluated && allProps.length && it.props !== true) {
	            it.props = util_1.mergeEvaluated.props(gen, (0, util_1.toHash)(allProps), it.props);
	        }
	        const properties = allProps.filter((p) => !(0, util_1.alwaysValidSchema)(it, schema[p]));
	        if (properties.length === 0)
	            return;
	        const valid = gen.name("valid");
	        for (const prop of properties) {
	            if (hasDefault(prop)) {
	                applyPropertySchema(prop);
	            }
	            else {
	                gen.if((0, code_1.propertyInData)(gen, data, prop, it.opts.ownProperties));
	                applyPropertySchema(prop);
	                if (!it.allErrors)
	                    gen.else().var(valid, true);
	                gen.endIf();
	            }
	            cxt.it.definedProperties.add(prop);
	            cxt.ok(valid);
	        }
	        function hasDefault(prop) {
	            return it.opts.useDefaults && !it.compositeRule && schema[prop].default !== undefined;
	        }
	        function applyPropertySchema(prop) {
	            cxt.subschema({
	                keyword: "properties",
	                schemaProp: prop,
	                dataProp: prop,
	            }, valid);
	        }
	    },
	};
	properties$1.default = def;
	
	return properties$1;
}

var patternProperties = {};

var hasRequiredPatternProperties;

function requirePatternProperties () {
	if (hasRequiredPatternProperties) return patternProperties;
	hasRequiredPatternProperties = 1;
	Object.defineProperty(patternProperties, "__esModule", { value: true });
	const code_1 = /*@__PURE__*/ requireCode();
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const util_2 = /*@__PURE__*/ requireUtil$1();
	const def = {
	    keyword: "patternProperties",
	    type: "object",
	    schemaType: "object",
	    code(cxt) {
	        const { gen, schema, data, parentSchema, it } = cxt;
	        const { opts } = it;
	        const patterns = (0, code_1.allSchemaProperties)(schema);
	        const alwaysValidPatterns = patterns.filter((p) => (0, util_1.alwaysValidSchema)(it, schema[p]));
	        if (patterns.length === 0 ||
	            (alwaysValidPatterns.length === patterns.length &&
	                (!it.opts.unevaluated || it.props === true))) {
	            return;
	        }
	        const checkProperties = opts.strictSchema && !opts.allowMatchingProperties && parentSchema.properties;
	        const valid = gen.name("valid");
	        if (it.props !== true && !(it.props instanceof codegen_1.Name)) {
	            it.props = (0, util_2.evaluatedPropsToName)(gen, it.props);
	        }
	        const { props } = it;
	        validatePatternProperties();
	        function validatePatternProperties() {
	            for (const pat of patterns) {
	                if (checkProperties)
	                    checkMatchingProperties(pat);
	                if (it.allErrors) {
	                    validateProperties(pat);
	                }
	                else {
	                    gen.var(valid, true); // TODO var
	                    validateProperties(pat);
	                    gen.if(valid);
	                }
	            }
	        }
	        function checkMatchingProperties(pat) {
	            for (const prop in checkProperties) {
	                if (new RegExp(pat).test(prop)) {
	                    (0, util_1.checkStrictMode)(it, `property ${prop} matches pattern ${pat} (use allowMatchingProperties)`);
	                }
	            }
	        }
	        function validateProperties(pat) {
	            gen.forIn("key", data, (key) => {
	                gen.if((0, codegen_1._) `${(0, code_1.usePattern)(cxt, pat)}.test(${key})`, () => {
	                    const alwaysValid = alwaysValidPatterns.includes(pat);
	                    if (!alwaysValid) {
	                        cxt.subschema({
	                            keyword: "patternProperties",
	                            schemaProp: pat,
	                            dataProp: key,
	                            dataPropType: util_2.Type.Str,
	                        }, valid);
	                    }
	                    if (it.opts.unevaluated && props !== true) {
	                        gen.assign((0, codegen_1._) `${props}[${key}]`, true);
	                    }
	                    else if (!alwaysValid && !it.allErrors) {
	                        // can short-circuit if `unevaluatedProperties` is not supported (opts.next === false)
	                        // or if all properties were evaluated (props === true)
	                        gen.if((0, codegen_1.not)(valid), () => gen.break());
	                    }
	                });
	            });
	        }
	    },
	};
	patternProperties.default = def;
	
	return patternProperties;
}

var not = {};

var hasRequiredNot;

function requireNot () {
	if (hasRequiredNot) return not;
	hasRequiredNot = 1;
	Object.defineProperty(not, "__esModule", { value: true });
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const def = {
	    keyword: "not",
	    schemaType: ["object", "boolean"],
	    trackErrors: true,
	    code(cxt) {
	        const { gen, schema, it } = cxt;
	        if ((0, util_1.alwaysValidSchema)(it, schema)) {
	            cxt.fail();
	            return;
	        }
	        const valid = gen.name("valid");
	        cxt.subschema({
	            keyword: "not",
	            compositeRule: true,
	            createErrors: false,
	            allErrors: false,
	        }, valid);
	        cxt.failResult(valid, () => cxt.reset(), () => cxt.error());
	    },
	    error: { message: "must NOT be valid" },
	};
	not.default = def;
	
	return not;
}

var anyOf = {};

var hasRequiredAnyOf;

function requireAnyOf () {
	if (hasRequiredAnyOf) return anyOf;
	hasRequiredAnyOf = 1;
	Object.defineProperty(anyOf, "__esModule", { value: true });
	const code_1 = /*@__PURE__*/ requireCode();
	const def = {
	    keyword: "anyOf",
	    schemaType: "array",
	    trackErrors: true,
	    code: code_1.validateUnion,
	    error: { message: "must match a schema in anyOf" },
	};
	anyOf.default = def;
	
	return anyOf;
}

var oneOf$1 = {};

var hasRequiredOneOf;

function requireOneOf () {
	if (hasRequiredOneOf) return oneOf$1;
	hasRequiredOneOf = 1;
	Object.defineProperty(oneOf$1, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: "must match exactly one schema in oneOf",
	    params: ({ params }) => (0, codegen_1._) `{passingSchemas: ${params.passing}}`,
	};
	const def = {
	    keyword: "oneOf",
	    schemaType: "array",
	    trackErrors: true,
	    error,
	    code(cxt) {
	        const { gen, schema, parentSchema, it } = cxt;
	        /* istanbul ignore if */
	        if (!Array.isArray(schema))
	            throw new Error("ajv implementation error");
	        if (it.opts.discriminator && parentSchema.discriminator)
	            return;
	        const schArr = schema;
	        const valid = gen.let("valid", false);
	        const passing = gen.let("passing", null);
	        const schValid = gen.name("_valid");
	        cxt.setParams({ passing });
	        // TODO possibly fail straight away (with warning or exception) if there are two empty always valid schemas
	        gen.block(validateOneOf);
	        cxt.result(valid, () => cxt.reset(), () => cxt.error(true));
	        function validateOneOf() {
	            schArr.forEach((sch, i) => {
	                let schCxt;
	                if ((0, util_1.alwaysValidSchema)(it, sch)) {
	                    gen.var(schValid, true);
	                }
	                else {
	                    schCxt = cxt.subschema({
	                        keyword: "oneOf",
	                        schemaProp: i,
	                        compositeRule: true,
	                    }, schValid);
	                }
	                if (i > 0) {
	                    gen
	                        .if((0, codegen_1._) `${schValid} && ${valid}`)
	                        .assign(valid, false)
	                        .assign(passing, (0, codegen_1._) `[${passing}, ${i}]`)
	                        .else();
	                }
	                gen.if(schValid, () => {
	                    gen.assign(valid, true);
	                    gen.assign(passing, i);
	                    if (schCxt)
	                        cxt.mergeEvaluated(schCxt, codegen_1.Name);
	                });
	            });
	        }
	    },
	};
	oneOf$1.default = def;
	
	return oneOf$1;
}

var allOf = {};

var hasRequiredAllOf;

function requireAllOf () {
	if (hasRequiredAllOf) return allOf;
	hasRequiredAllOf = 1;
	Object.defineProperty(allOf, "__esModule", { value: true });
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const def = {
	    keyword: "allOf",
	    schemaType: "array",
	    code(cxt) {
	        const { gen, schema, it } = cxt;
	        /* istanbul ignore if */
	        if (!Array.isArray(schema))
	            throw new Error("ajv implementation error");
	        const valid = gen.name("valid");
	        schema.forEach((sch, i) => {
	            if ((0, util_1.alwaysValidSchema)(it, sch))
	                return;
	            const schCxt = cxt.subschema({ keyword: "allOf", schemaProp: i }, valid);
	            cxt.ok(valid);
	            cxt.mergeEvaluated(schCxt);
	        });
	    },
	};
	allOf.default = def;
	
	return allOf;
}

var _if = {};

var hasRequired_if;

function require_if () {
	if (hasRequired_if) return _if;
	hasRequired_if = 1;
	Object.defineProperty(_if, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: ({ params }) => (0, codegen_1.str) `must match "${params.ifClause}" schema`,
	    params: ({ params }) => (0, codegen_1._) `{failingKeyword: ${params.ifClause}}`,
	};
	const def = {
	    keyword: "if",
	    schemaType: ["object", "boolean"],
	    trackErrors: true,
	    error,
	    code(cxt) {
	        const { gen, parentSchema, it } = cxt;
	        if (parentSchema.then === undefined && parentSchema.else === undefined) {
	            (0, util_1.checkStrictMode)(it, '"if" without "then" and "else" is ignored');
	        }
	        const hasThen = hasSchema(it, "then");
	        const hasElse = hasSchema(it, "else");
	        if (!hasThen && !hasElse)
	            return;
	        const valid = gen.let("valid", true);
	        const schValid = gen.name("_valid");
	        validateIf();
	        cxt.reset();
	        if (hasThen && hasElse) {
	            const ifClause = gen.let("ifClause");
	            cxt.setParams({ ifClause });
	            gen.if(schValid, validateClause("then", ifClause), validateClause("else", ifClause));
	        }
	        else if (hasThen) {
	            gen.if(schValid, validateClause("then"));
	        }
	        else {
	            gen.if((0, codegen_1.not)(schValid), validateClause("else"));
	        }
	        cxt.pass(valid, () => cxt.error(true));
	        function validateIf() {
	            const schCxt = cxt.subschema({
	                keyword: "if",
	                compositeRule: true,
	                createErrors: false,
	                allErrors: false,
	            }, schValid);
	            cxt.mergeEvaluated(schCxt);
	        }
	        function validateClause(keyword, ifClause) {
	            return () => {
	                const schCxt = cxt.subschema({ keyword }, schValid);
	                gen.assign(valid, schValid);
	                cxt.mergeValidEvaluated(schCxt, valid);
	                if (ifClause)
	                    gen.assign(ifClause, (0, codegen_1._) `${keyword}`);
	                else
	                    cxt.setParams({ ifClause: keyword });
	            };
	        }
	    },
	};
	function hasSchema(it, keyword) {
	    const schema = it.schema[keyword];
	    return schema !== undefined && !(0, util_1.alwaysValidSchema)(it, schema);
	}
	_if.default = def;
	
	return _if;
}

var thenElse = {};

var hasRequiredThenElse;

function requireThenElse () {
	if (hasRequiredThenElse) return thenElse;
	hasRequiredThenElse = 1;
	Object.defineProperty(thenElse, "__esModule", { value: true });
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const def = {
	    keyword: ["then", "else"],
	    schemaType: ["object", "boolean"],
	    code({ keyword, parentSchema, it }) {
	        if (parentSchema.if === undefined)
	            (0, util_1.checkStrictMode)(it, `"${keyword}" without "if" is ignored`);
	    },
	};
	thenElse.default = def;
	
	return thenElse;
}

var hasRequiredApplicator;

function requireApplicator () {
	if (hasRequiredApplicator) return applicator;
	hasRequiredApplicator = 1;
	Object.defineProperty(applicator, "__esModule", { value: true });
	const additionalItems_1 = /*@__PURE__*/ requireAdditionalItems();
	const prefixItems_1 = /*@__PURE__*/ requirePrefixItems();
	const items_1 = /*@__PURE__*/ requireItems();
	const items2020_1 = /*@__PURE__*/ requireItems2020();
	const contains_1 = /*@__PURE__*/ requireContains();
	const dependencies_1 = /*@__PURE__*/ requireDependencies();
	const propertyNames_1 = /*@__PURE__*/ requirePropertyNames();
	const additionalProperties_1 = /*@__PURE__*/ requireAdditionalProperties();
	const properties_1 = /*@__PURE__*/ requireProperties();
	const patternProperties_1 = /*@__PURE__*/ requirePatternProperties();
	const not_1 = /*@__PURE__*/ requireNot();
	const anyOf_1 = /*@__PURE__*/ requireAnyOf();
	const oneOf_1 = /*@__PURE__*/ requireOneOf();
	const allOf_1 = /*@__PURE__*/ requireAllOf();
	const if_1 = /*@__PURE__*/ require_if();
	const thenElse_1 = /*@__PURE__*/ requireThenElse();
	function getApplicator(draft2020 = false) {
	    const applicator = [
	        // any
	        not_1.default,
	        anyOf_1.default,
	        oneOf_1.default,
	        allOf_1.default,
	        if_1.default,
	        thenElse_1.default,
	        // object
	        propertyNames_1.default,
	        additionalProperties_1.default,
	        dependencies_1.default,
	        properties_1.default,
	        patternProperties_1.default,
	    ];
	    // array
	    if (draft2020)
	        applicator.push(prefixItems_1.default, items2020_1.default);
	    else
	        applicator.push(additionalItems_1.default, items_1.default);
	    applicator.push(contains_1.default);
	    return applicator;
	}
	applicator.default = getApplicator;
	
	return applicator;
}

var format$1 = {};

var format = {};

var hasRequiredFormat$1;

function requireFormat$1 () {
	if (hasRequiredFormat$1) return format;
	hasRequiredFormat$1 = 1;
	Object.defineProperty(format, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const error = {
	    message: ({ schemaCode }) => (0, codegen_1.str) `must match format "${schemaCode}"`,
	    params: ({ schemaCode }) => (0, codegen_1._) `{format: ${schemaCode}}`,
	};
	const def = {
	    keyword: "format",
	    type: ["number", "string"],
	    schemaType: "string",
	    $data: true,
	    error,
	    code(cxt, ruleType) {
	        const { gen, data, $data, schema, schemaCode, it } = cxt;
	        const { opts, errSchemaPath, schemaEnv, self } = it;
	        if (!opts.validateFormats)
	            return;
	        if ($data)
	            validate$DataFormat();
	        else
	            validateFormat();
	        function validate$DataFormat() {
	            const fmts = gen.scopeValue("formats", {
	                ref: self.formats,
	                code: opts.code.formats,
	            });
	            const fDef = gen.const("fDef", (0, codegen_1._) `${fmts}[${schemaCode}]`);
	            const fType = gen.let("fType");
	            const format = gen.let("format");
	            // TODO simplify
	            gen.if((0, codegen_1._) `typeof ${fDef} == "object" && !(${fDef} instanceof RegExp)`, () => gen.assign(fType, (0, codegen_1._) `${fDef}.type || "string"`).assign(format, (0, codegen_1._) `${fDef}.validate`), () => gen.assign(fType, (0, codegen_1._) `"string"`).assign(format, fDef));
	            cxt.fail$data((0, codegen_1.or)(unknownFmt(), invalidFmt()));
	            function unknownFmt() {
	                if (opts.strictSchema === false)
	                    return codegen_1.nil;
	                return (0, codegen_1._) `${schemaCode} && !${format}`;
	            }
	            function invalidFmt() {
	                const callFormat = schemaEnv.$async
	                    ? (0, codegen_1._) `(${fDef}.async ? await ${format}(${data}) : ${format}(${data}))`
	                    : (0, codegen_1._) `${format}(${data})`;
	                const validData = (0, codegen_1._) `(typeof ${format} == "function" ? ${callFormat} : ${format}.test(${data}))`;
	                return (0, codegen_1._) `${format} && ${format} !== true && ${fType} === ${ruleType} && !${validData}`;
	            }
	        }
	        function validateFormat() {
	            const formatDef = self.formats[schema];
	            if (!formatDef) {
	                unknownFormat();
	                return;
	            }
	            if (formatDef === true)
	                return;
	            const [fmtType, format, fmtRef] = getFormat(formatDef);
	            if (fmtType === ruleType)
	                cxt.pass(validCondition());
	            function unknownFormat() {
	                if (opts.strictSchema === false) {
	                    self.logger.warn(unknownMsg());
	                    return;
	                }
	                throw new Error(unknownMsg());
	                function unknownMsg() {
	                    return `unknown format "${schema}" ignored in schema at path "${errSchemaPath}"`;
	                }
	            }
	            function getFormat(fmtDef) {
	                const code = fmtDef instanceof RegExp
	                    ? (0, codegen_1.regexpCode)(fmtDef)
	                    : opts.code.formats
	                        ? (0, codegen_1._) `${opts.code.formats}${(0, codegen_1.getProperty)(schema)}`
	                        : undefined;
	                const fmt = gen.scopeValue("formats", { key: schema, ref: fmtDef, code });
	                if (typeof fmtDef == "object" && !(fmtDef instanceof RegExp)) {
	                    return [fmtDef.type || "string", fmtDef.validate, (0, codegen_1._) `${fmt}.validate`];
	                }
	                return ["string", fmtDef, fmt];
	            }
	            function validCondition() {
	                if (typeof formatDef == "object" && !(formatDef instanceof RegExp) && formatDef.async) {
	                    if (!schemaEnv.$async)
	                        throw new Error("async format in sync schema");
	                    return (0, codegen_1._) `await ${fmtRef}(${data})`;
	                }
	                return typeof format == "function" ? (0, codegen_1._) `${fmtRef}(${data})` : (0, codegen_1._) `${fmtRef}.test(${data})`;
	            }
	        }
	    },
	};
	format.default = def;
	
	return format;
}

var hasRequiredFormat;

function requireFormat () {
	if (hasRequiredFormat) return format$1;
	hasRequiredFormat = 1;
	Object.defineProperty(format$1, "__esModule", { value: true });
	const format_1 = /*@__PURE__*/ requireFormat$1();
	const format = [format_1.default];
	format$1.default = format;
	
	return format$1;
}

var metadata = {};

var hasRequiredMetadata;

function requireMetadata () {
	if (hasRequiredMetadata) return metadata;
	hasRequiredMetadata = 1;
	Object.defineProperty(metadata, "__esModule", { value: true });
	metadata.contentVocabulary = metadata.metadataVocabulary = void 0;
	metadata.metadataVocabulary = [
	    "title",
	    "description",
	    "default",
	    "deprecated",
	    "readOnly",
	    "writeOnly",
	    "examples",
	];
	metadata.contentVocabulary = [
	    "contentMediaType",
	    "contentEncoding",
	    "contentSchema",
	];
	
	return metadata;
}

var hasRequiredDraft7;

function requireDraft7 () {
	if (hasRequiredDraft7) return draft7;
	hasRequiredDraft7 = 1;
	Object.defineProperty(draft7, "__esModule", { value: true });
	const core_1 = /*@__PURE__*/ requireCore();
	const validation_1 = /*@__PURE__*/ requireValidation$1();
	const applicator_1 = /*@__PURE__*/ requireApplicator();
	const format_1 = /*@__PURE__*/ requireFormat();
	const metadata_1 = /*@__PURE__*/ requireMetadata();
	const draft7Vocabularies = [
	    core_1.default,
	    validation_1.default,
	    (0, applicator_1.default)(),
	    format_1.default,
	    metadata_1.metadataVocabulary,
	    metadata_1.contentVocabulary,
	];
	draft7.default = draft7Vocabularies;
	
	return draft7;
}

var discriminator = {};

var types$1 = {};

var hasRequiredTypes$1;

function requireTypes$1 () {
	if (hasRequiredTypes$1) return types$1;
	hasRequiredTypes$1 = 1;
	Object.defineProperty(types$1, "__esModule", { value: true });
	types$1.DiscrError = void 0;
	var DiscrError;
	(function (DiscrError) {
	    DiscrError["Tag"] = "tag";
	    DiscrError["Mapping"] = "mapping";
	})(DiscrError || (types$1.DiscrError = DiscrError = {}));
	
	return types$1;
}

var hasRequiredDiscriminator;

function requireDiscriminator () {
	if (hasRequiredDiscriminator) return discriminator;
	hasRequiredDiscriminator = 1;
	Object.defineProperty(discriminator, "__esModule", { value: true });
	const codegen_1 = /*@__PURE__*/ requireCodegen();
	const types_1 = /*@__PURE__*/ requireTypes$1();
	const compile_1 = /*@__PURE__*/ requireCompile();
	const ref_error_1 = /*@__PURE__*/ requireRef_error();
	const util_1 = /*@__PURE__*/ requireUtil$1();
	const error = {
	    message: ({ params: { discrError, tagName } }) => discrError === types_1.DiscrError.Tag
	        ? `tag "${tagName}" must be string`
	        : `value of tag "${tagName}" must be in oneOf`,
	    params: ({ params: { discrError, tag, tagName } }) => (0, codegen_1._) `{error: ${discrError}, tag: ${tagName}, tagValue: ${tag}}`,
	};
	const def = {
	    keyword: "discriminator",
	    type: "object",
	    schemaType: "object",
	    error,
	    code(cxt) {
	        const { gen, data, schema, parentSchema, it } = cxt;
	        const { oneOf } = parentSchema;
	        if (!it.opts.discriminator) {
	            throw new Error("discriminator: requires discriminator option");
	        }
	        const tagName = schema.propertyName;
	        if (typeof tagName != "string")
	            throw new Error("discriminator: requires propertyName");
	        if (schema.mapping)
	            throw new Error("discriminator: mapping is not supported");
	        if (!oneOf)
	            throw new Error("discriminator: requires oneOf keyword");
	        const valid = gen.let("valid", false);
	        const tag = gen.const("tag", (0, codegen_1._) `${data}${(0, codegen_1.getProperty)(tagName)}`);
	        gen.if((0, codegen_1._) `typeof ${tag} == "string"`, () => validateMapping(), () => cxt.error(false, { discrError: types_1.DiscrError.Tag, tag, tagName }));
	        cxt.ok(valid);
	        function validateMapping() {
	            const mapping = getMapping();
	            gen.if(false);
	            for (const tagValue in mapping) {
	                gen.elseIf((0, codegen_1._) `${tag} === ${tagValue}`);
	                gen.assign(valid, applyTagSchema(mapping[tagValue]));
	            }
	            gen.else();
	            cxt.error(false, { discrError: types_1.DiscrError.Mapping, tag, tagName });
	            gen.endIf();
	        }
	        function applyTagSchema(schemaProp) {
	            const _valid = gen.name("valid");
	            const schCxt = cxt.subschema({ keyword: "oneOf", schemaProp }, _valid);
	            cxt.mergeEvaluated(schCxt, codegen_1.Name);
	            return _valid;
	        }
	        function getMapping() {
	            var _a;
	            const oneOfMapping = {};
	            const topRequired = hasRequired(parentSchema);
	            let tagRequired = true;
	            for (let i = 0; i < oneOf.length; i++) {
	                let sch = oneOf[i];
	                if ((sch === null || sch === void 0 ? void 0 : sch.$ref) && !(0, util_1.schemaHasRulesButRef)(sch, it.self.RULES)) {
	                    const ref = sch.$ref;
	                    sch = compile_1.resolveRef.call(it.self, it.schemaEnv.root, it.baseId, ref);
	                    if (sch instanceof compile_1.SchemaEnv)
	                        sch = sch.schema;
	                    if (sch === undefined)
	                        throw new ref_error_1.default(it.opts.uriResolver, it.baseId, ref);
	                }
	                const propSch = (_a = sch === null || sch === void 0 ? void 0 : sch.properties) === null || _a === void 0 ? void 0 : _a[tagName];
	                if (typeof propSch != "object") {
	                    throw new Error(`discriminator: oneOf subschemas (or referenced schemas) must have "properties/${tagName}"`);
	                }
	                tagRequired = tagRequired && (topRequired || hasRequired(sch));
	                addMappings(propSch, i);
	            }
	            if (!tagRequired)
	                throw new Error(`discriminator: "${tagName}" must be required`);
	            return oneOfMapping;
	            function hasRequired({ required }) {
	                return Array.isArray(required) && required.includes(tagName);
	            }
	            function addMappings(sch, i) {
	                if (sch.const) {
	                    addMapping(sch.const, i);
	                }
	                else if (sch.enum) {
	                    for (const tagValue of sch.enum) {
	                        addMapping(tagValue, i);
	                    }
	                }
	                else {
	                    throw new Error(`discriminator: "properties/${tagName}" must have "const" or "enum"`);
	                }
	            }
	            function addMapping(tagValue, i) {
	                if (typeof tagValue != "string" || tagValue in oneOfMapping) {
	                    throw new Error(`discriminator: "${tagName}" values must be unique strings`);
	                }
	                oneOfMapping[tagValue] = i;
	            }
	        }
	    },
	};
	discriminator.default = def;
	
	return discriminator;
}

var $schema = "http://json-schema.org/draft-07/schema#";
var $id = "http://json-schema.org/draft-07/schema#";
var title = "Core schema meta-schema";
var definitions = {
	schemaArray: {
		type: "array",
		minItems: 1,
		items: {
			$ref: "#"
		}
	},
	nonNegativeInteger: {
		type: "integer",
		minimum: 0
	},
	nonNegativeIntegerDefault0: {
		allOf: [
			{
				$ref: "#/definitions/nonNegativeInteger"
			},
			{
				"default": 0
			}
		]
	},
	simpleTypes: {
		"enum": [
			"array",
			"boolean",
			"integer",
			"null",
			"number",
			"object",
			"string"
		]
	},
	stringArray: {
		type: "array",
		items: {
			type: "string"
		},
		uniqueItems: true,
		"default": [
		]
	}
};
var type = [
	"object",
	"boolean"
];
var properties = {
	$id: {
		type: "string",
		format: "uri-reference"
	},
	$schema: {
		type: "string",
		format: "uri"
	},
	$ref: {
		type: "string",
		format: "uri-reference"
	},
	$comment: {
		type: "string"
	},
	title: {
		type: "string"
	},
	description: {
		type: "string"
	},
	"default": true,
	readOnly: {
		type: "boolean",
		"default": false
	},
	examples: {
		type: "array",
		items: true
	},
	multipleOf: {
		type: "number",
		exclusiveMinimum: 0
	},
	maximum: {
		type: "number"
	},
	exclusiveMaximum: {
		type: "number"
	},
	minimum: {
		type: "number"
	},
	exclusiveMinimum: {
		type: "number"
	},
	maxLength: {
		$ref: "#/definitions/nonNegativeInteger"
	},
	minLength: {
		$ref: "#/definitions/nonNegativeIntegerDefault0"
	},
	pattern: {
		type: "string",
		format: "regex"
	},
	additionalItems: {
		$ref: "#"
	},
	items: {
		anyOf: [
			{
				$ref: "#"
			},
			{
				$ref: "#/definitions/schemaArray"
			}
		],
		"default": true
	},
	maxItems: {
		$ref: "#/definitions/nonNegativeInteger"
	},
	minItems: {
		$ref: "#/definitions/nonNegativeIntegerDefault0"
	},
	uniqueItems: {
		type: "boolean",
		"default": false
	},
	contains: {
		$ref: "#"
	},
	maxProperties: {
		$ref: "#/definitions/nonNegativeInteger"
	},
	minProperties: {
		$ref: "#/definitions/nonNegativeIntegerDefault0"
	},
	required: {
		$ref: "#/definitions/stringArray"
	},
	additionalProperties: {
		$ref: "#"
	},
	definitions: {
		type: "object",
		additionalProperties: {
			$ref: "#"
		},
		"default": {
		}
	},
	properties: {
		type: "object",
		additionalProperties: {
			$ref: "#"
		},
		"default": {
		}
	},
	patternProperties: {
		type: "object",
		additionalProperties: {
			$ref: "#"
		},
		propertyNames: {
			format: "regex"
		},
		"default": {
		}
	},
	dependencies: {
		type: "object",
		additionalProperties: {
			anyOf: [
				{
					$ref: "#"
				},
				{
					$ref: "#/definitions/stringArray"
				}
			]
		}
	},
	propertyNames: {
		$ref: "#"
	},
	"const": true,
	"enum": {
		type: "array",
		items: true,
		minItems: 1,
		uniqueItems: true
	},
	type: {
		anyOf: [
			{
				$ref: "#/definitions/simpleTypes"
			},
			{
				type: "array",
				items: {
					$ref: "#/definitions/simpleTypes"
				},
				minItems: 1,
				uniqueItems: true
			}
		]
	},
	format: {
		type: "string"
	},
	contentMediaType: {
		type: "string"
	},
	contentEncoding: {
		type: "string"
	},
	"if": {
		$ref: "#"
	},
	then: {
		$ref: "#"
	},
	"else": {
		$ref: "#"
	},
	allOf: {
		$ref: "#/definitions/schemaArray"
	},
	anyOf: {
		$ref: "#/definitions/schemaArray"
	},
	oneOf: {
		$ref: "#/definitions/schemaArray"
	},
	not: {
		$ref: "#"
	}
};
var require$$3 = {
	$schema: $schema,
	$id: $id,
	title: title,
	definitions: definitions,
	type: type,
	properties: properties,
	"default": true
};

var hasRequiredAjv;

function requireAjv () {
	if (hasRequiredAjv) return ajv.exports;
	hasRequiredAjv = 1;
	(function (module, exports) {
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.MissingRefError = exports.ValidationError = exports.CodeGen = exports.Name = exports.nil = exports.stringify = exports.str = exports._ = exports.KeywordCxt = exports.Ajv = void 0;
		const core_1 = /*@__PURE__*/ requireCore$1();
		const draft7_1 = /*@__PURE__*/ requireDraft7();
		const discriminator_1 = /*@__PURE__*/ requireDiscriminator();
		const draft7MetaSchema = require$$3;
		const META_SUPPORT_DATA = ["/properties"];
		const META_SCHEMA_ID = "http://json-schema.org/draft-07/schema";
		class Ajv extends core_1.default {
		    _addVocabularies() {
		        super._addVocabularies();
		        draft7_1.default.forEach((v) => this.addVocabulary(v));
		        if (this.opts.discriminator)
		            this.addKeyword(discriminator_1.default);
		    }
		    _addDefaultMetaSchema() {
		        super._addDefaultMetaSchema();
		        if (!this.opts.meta)
		            return;
		        const metaSchema = this.opts.$data
		            ? this.$dataMetaSchema(draft7MetaSchema, META_SUPPORT_DATA)
		            : draft7MetaSchema;
		        this.addMetaSchema(metaSchema, META_SCHEMA_ID, false);
		        this.refs["http://json-schema.org/schema"] = META_SCHEMA_ID;
		    }
		    defaultMeta() {
		        return (this.opts.defaultMeta =
		            super.defaultMeta() || (this.getSchema(META_SCHEMA_ID) ? META_SCHEMA_ID : undefined));
		    }
		}
		exports.Ajv = Ajv;
		module.exports = exports = Ajv;
		module.exports.Ajv = Ajv;
		Object.defineProperty(exports, "__esModule", { value: true });
		exports.default = Ajv;
		var validate_1 = /*@__PURE__*/ requireValidate();
		Object.defineProperty(exports, "KeywordCxt", { enumerable: true, get: function () { return validate_1.KeywordCxt; } });
		var codegen_1 = /*@__PURE__*/ requireCodegen();
		Object.defineProperty(exports, "_", { enumerable: true, get: function () { return codegen_1._; } });
		Object.defineProperty(exports, "str", { enumerable: true, get: function () { return codegen_1.str; } });
		Object.defineProperty(exports, "stringify", { enumerable: true, get: function () { return codegen_1.stringify; } });
		Object.defineProperty(exports, "nil", { enumerable: true, get: function () { return codegen_1.nil; } });
		Object.defineProperty(exports, "Name", { enumerable: true, get: function () { return codegen_1.Name; } });
		Object.defineProperty(exports, "CodeGen", { enumerable: true, get: function () { return codegen_1.CodeGen; } });
		var validation_error_1 = /*@__PURE__*/ requireValidation_error();
		Object.defineProperty(exports, "ValidationError", { enumerable: true, get: function () { return validation_error_1.default; } });
		var ref_error_1 = /*@__PURE__*/ requireRef_error();
		Object.defineProperty(exports, "MissingRefError", { enumerable: true, get: function () { return ref_error_1.default; } });
		
	} (ajv, ajv.exports));
	return ajv.exports;
}

var ajvExports = /*@__PURE__*/ requireAjv();

// Judgements, looks and what a run could catch, in words: the one place a decision
// becomes a sentence.
/** A judgement as one sentence, for reasons in report.json, the comment and the terminal. */
function describeJudgement(j) {
    if (j.rule === 'nothing-judged' || j.series === null)
        return j.baselineMissing
            ? 'nothing to judge against: no baseline, and both absolute limits are off; set max-heap-growth or max-goroutine-growth'
            : 'nothing to judge against: every limit is off; set max-heap-growth, max-goroutine-growth or max-increase-over-baseline';
    const { label, unit } = SERIES$1[j.series];
    const vsBase = j.against === 'base';
    if (j.rule === 'too-few-samples')
        return `${label}: too few samples to ${vsBase ? 'compare head and base' : 'fit a trend'}`;
    const rate = (v = NaN) => formatRate(v, unit);
    const shown = (v = NaN) => (vsBase ? formatSignedRate(v, unit) : rate(v));
    const ci = `${confidenceText(j.confidence)} CI`;
    const measured = vsBase
        ? `${label} grows ${shown(j.estimatePerSec)} over the base (${ci} ${shown(j.lowPerSec)} to ${shown(j.highPerSec)}; head ${rate(j.headPerSec)}, base ${rate(j.basePerSec)})`
        : `${label} grows ${rate(j.estimatePerSec)} (${ci} ${rate(j.lowPerSec)} to ${rate(j.highPerSec)})`;
    const perRequest = j.limitPerRequest === undefined
        ? ''
        : ` (${amount(j.series, j.limitPerRequest)}/request at the achieved rate)`;
    const limit = `${vsBase ? 'allowed increase' : 'limit'} ${rate(j.limitPerSec)}${perRequest}`;
    switch (j.rule) {
        case 'above-limit':
            return `${measured}, ${limit}`;
        case 'upper-below-limit':
            return `${label} ${shown(j.estimatePerSec)}${vsBase ? ' over the base' : ''}, within the ${limit}`;
        case 'late-upper-below-limit':
            return `${label} grew ${shown(j.estimatePerSec)} but levelled off${j.fill ? ` as a fill does (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}: ${shown(j.latePerSec)} over the second half, within the ${limit}`;
        case 'levels-off-below-limit':
            return `${label} grows ${rate(j.estimatePerSec)} as a filling cache does${j.fill ? ` (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}; what stays once it has filled grows less than the ${limit}`;
        case 'saturating':
            return `${measured}, above the ${limit}, but slowing down as a filling cache does${j.fill ? ` (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}, and still growing at max-duration: raise max-duration, or warmup`;
        case 'late-slope-below-limit':
            return `${measured}, above the ${limit}, but only ${shown(j.latePerSec)} in the second half: a warm-up or a plateau? Lengthen warmup`;
        case 'too-noisy':
            return `${measured}: too noisy to judge against the ${limit}; ${adviceFor(j)}`;
        case 'straddles':
            return `${measured}: the interval straddles the ${limit}; ${adviceFor(j)} for a clear answer`;
    }
}
/** What to change for a clearer answer, for the judgements that have no clear one. */
function adviceFor(j) {
    const advice = {
        'too-noisy': `raise max-duration${j.against === 'base' ? ' or repeats' : ''}`,
        straddles: `raise max-duration${j.against === 'base' ? ' or repeats' : ''}`,
        saturating: 'raise max-duration, or warmup',
        'late-slope-below-limit': 'lengthen warmup',
        'too-few-samples': 'raise max-duration'
    };
    return advice[j.rule] ?? null;
}
/**
 * Each judged series' growth as its first (worst) judgement has it: "live heap grows 2.93
 * MiB/min (256 B/request), above the limit 512 KiB/min (44 B/request)".
 */
function summarizeGrowth(report) {
    const rps = report.runs.head.requestsPerSec;
    const seen = new Set();
    const out = [];
    for (const j of report.judgements) {
        if (j.series === null || seen.has(j.series))
            continue;
        seen.add(j.series);
        const { label, unit } = SERIES$1[j.series];
        if (j.estimatePerSec === undefined || j.limitPerSec === undefined) {
            out.push({ series: j.series, outcome: j.outcome, text: describeJudgement(j) });
            continue;
        }
        const vsBase = j.against === 'base';
        const rate = (v) => (vsBase ? formatSignedRate(v, unit) : formatRate(v, unit));
        const perRequest = (v, given) => {
            const each = given ?? (rps ? v / rps : null);
            return each === null || each === 0 ? '' : ` (${requestShare(j.series, each)})`;
        };
        const grows = `${label} ${j.series === 'goroutines' ? 'grow' : 'grows'} ${rate(j.estimatePerSec)}${vsBase ? ' over the base' : ''}`;
        const limit = `${vsBase ? 'allowed increase' : 'limit'} ${formatRate(j.limitPerSec, unit)}${perRequest(j.limitPerSec, j.limitPerRequest)}`;
        // An unclear answer shows the interval it rests on.
        const against = j.outcome === 'inconclusive'
            ? ` (${confidenceText(j.confidence)} CI ${rate(j.lowPerSec ?? NaN)} to ${rate(j.highPerSec ?? NaN)}): unclear against the ${limit}`
            : `, ${j.outcome === 'fail' ? 'above' : 'within'} the ${limit}`;
        out.push({
            series: j.series,
            outcome: j.outcome,
            text: `${grows}${perRequest(j.estimatePerSec)}${against}`
        });
    }
    return out;
}
/** Growth per request: "256 B/request", "0.2 B/request"; goroutines as "1 per 57 requests". */
function requestShare(series, each) {
    if (SERIES$1[series].unit === 'count')
        return each > 0 && each < 1
            ? `1 per ${Number((1 / each).toPrecision(2))} requests`
            : `${Number(each.toPrecision(2))}/request`;
    return `${Math.abs(each) < 10 ? `${Number(each.toPrecision(2))} B` : formatBytes(each)}/request`;
}
/** "95%", "98.8%": the two-sided confidence of an interval, to a tenth where it matters. */
function confidenceText(confidence = NaN) {
    const percent = 100 * confidence;
    return `${Number.isInteger(Math.round(percent * 10) / 10) ? percent.toFixed(0) : percent.toFixed(1)}%`;
}
/** An amount of a series: bytes in IEC units, goroutines as a count. */
function amount(series, value) {
    return SERIES$1[series].unit === 'bytes' ? formatBytes(value) : `${Number(value.toPrecision(3))}`;
}
const JUDGED$1 = JUDGED_SERIES;
/** The notice for a series the base already grows in. */
function describeBaseGrowth(g) {
    const { label, unit } = SERIES$1[g.series];
    const rate = (v) => formatRate(v, unit);
    return `the base grows too: ${label} ${rate(g.trend.slopePerSec)} (${confidenceText(g.trend.confidence)} CI ${rate(g.trend.ciLow)} to ${rate(g.trend.ciHigh)})${g.ref ? ` on ${g.ref}` : ''}; that growth predates this change`;
}
/** A look, for the log: "look 1 of 4 at 30.0s: live heap pass (upper below limit); stop". */
function describeLook(look, stop) {
    const decisions = Object.entries(look.decisions ?? {})
        .filter(([series]) => series in SERIES$1)
        .map(([series, d]) => `${SERIES$1[series].label} ${d.outcome} (${d.rule.replace(/-/g, ' ')})`);
    const what = decisions.length ? decisions.join(', ') : 'no limit to judge';
    const next = stop ? 'stop' : look.samplingOnToName ? SAMPLING_ON_TO_NAME : 'sample on';
    return `look ${look.index + 1} of ${look.count} at ${look.atSec.toFixed(1)}s: ${what}; ${next}`;
}
const SAMPLING_ON_TO_NAME = "sample on until a line of the service grows past the heap profile's sampling noise";
/** Where sampling stopped and why. */
function describeStop(run) {
    // In comment mode the report is untrusted: a field left out must not crash the renderer.
    const looks = Array.isArray(run.looks) ? run.looks : [];
    const last = looks.at(-1);
    if (!last)
        return null;
    const at = `after ${Math.round(last.atSec)}s of sampling (look ${last.index + 1} of ${last.count})`;
    const naming = looks.find((l) => l?.samplingOnToName);
    const onToName = naming
        ? ` The heap failed at look ${naming.index + 1} (${Math.round(naming.atSec)}s); sampling went on to name its line.`
        : '';
    if (last.index < last.count - 1)
        return `Stopped ${at}: every limit had a clear answer.${onToName}`;
    const open = Object.values(last.decisions ?? {}).some((d) => d?.outcome === 'inconclusive');
    return `Stopped at max-duration, ${at}${open ? ': the growth was still unclear' : ''}.${onToName}`;
}
/**
 * The smallest leak the run could catch, per judged series: "would catch a heap leak of
 * ≥ 52 B/request (603 KiB/min); below 44 B/request passes by design".
 */
function describeDetectable(run) {
    // In comment mode the report is untrusted: only the series this tool knows are described.
    return Object.entries(run.detectable ?? {})
        .filter(([key]) => JUDGED$1.includes(key))
        .map(([key, d]) => {
        const series = key;
        const { unit } = SERIES$1[series];
        if (series === 'goroutines') {
            const every = d.perRequest && d.perRequest > 0 ? ` (1 per ${Math.round(1 / d.perRequest)} requests)` : '';
            return `This run would catch a goroutine leak of ≥ ${formatRate(d.perSec, unit)}${every}.`;
        }
        const perRequest = d.perRequest === null ? '' : ` (${formatBytes(d.perRequest)}/request)`;
        const byDesign = d.limitPerRequest === null
            ? ''
            : `; less than ${formatBytes(d.limitPerRequest)}/request passes by design`;
        return `This run would catch a heap leak of ≥ ${formatRate(d.perSec, unit)}${perRequest}${byDesign}.`;
    });
}
/** How the readings were taken: "readings with the load paused: 24 ms a reading (p95 41 ms), 2.4% of the run". */
function describeQuiescence(q) {
    if (!q)
        return null;
    if (!q.enabled)
        return 'readings under load (quiesce: off): the least of four post-GC readings';
    if (q.pauseP50Ms === null)
        return null;
    const share = q.pausedFraction === null ? '' : `, ${(100 * q.pausedFraction).toFixed(1)}% of the run`;
    const fallback = q.notDrained
        ? `; ${q.notDrained} readings found requests still in flight after 2s and took the least of four instead`
        : '';
    return `readings with the load paused until nothing was in flight: ${q.pauseP50Ms} ms a reading (p95 ${q.pauseP95Ms} ms)${share}${fallback}`;
}
/** The notice when head and base ran at different rates and were compared per request. */
function describePerRequest(p) {
    const rate = (v) => `${Math.round(v)}`;
    return `head and base were driven at different rates (${rate(p.headRequestsPerSec)} and ${rate(p.baseRequestsPerSec)} requests/s): the base's growth is compared per request, at the head's rate`;
}
/**
 * How head − base was measured: the order of the runs, the pairs added, and the run-to-run
 * spread its interval allows for. Nothing when there was no comparison or it predates these.
 */
function describeComparison(report) {
    const c = report.comparison;
    if (!c?.confidence)
        return [];
    const lines = [];
    if (c.baseline === 'stored') {
        const widened = JUDGED_SERIES.flatMap((s) => {
            const sc = c[s];
            return sc?.baseRunSpreadPerSec
                ? [`${formatRate(sc.baseRunSpreadPerSec, SERIES$1[s].unit)} (${SERIES$1[s].label})`]
                : [];
        });
        lines.push(`The base is a report.json of another run: another runner or another day differs more than back-to-back runs do, so its run-to-run spread is taken as at least twice baseline-noise-floor${widened.length ? `: ${widened.join(', ')}` : ''}.`);
    }
    else if (c.pairs === 1)
        lines.push('Base ran once, then head: a drift of the machine between the two runs cannot be told from the change; repeats: 2 measures base, head, head, base.');
    else if (c.pairs) {
        const asked = Number(report.config.repeats) || 1;
        const added = c.pairs > asked ? `, ${c.pairs - asked} added while head − base was unclear` : '';
        // An odd count ends on a pair that runs base first: a steady drift is not cancelled, only cut.
        const odd = c.pairs % 2 === 1
            ? '; the last pair is not balanced by another, so a steady drift of the machine is cut, not cancelled'
            : '';
        lines.push(`${c.pairs} pairs in ABBA order (base, head, head, base, …)${added}${odd}.`);
    }
    const spreads = JUDGED_SERIES.flatMap((s) => {
        const sc = c[s];
        if (sc?.runSpreadPerSec === undefined)
            return [];
        const from = sc.runSpreadFrom === 'repeats' ? 'estimated from the pairs' : 'baseline-noise-floor';
        return [`${SERIES$1[s].label} ±${formatRate(sc.runSpreadPerSec, SERIES$1[s].unit)} a run (${from})`];
    });
    if (spreads.length)
        lines.push(`The ${confidenceText(c.confidence)} interval of head − base counts how much runs of the same code differ: ${spreads.join('; ')}.`);
    return lines;
}

// The JSON Schema of report.json, published as schema/report.schema.json. A report is
// read back as a stored baseline and, in the fork-safe `mode: comment`, from untrusted
// code: every field a renderer reads has its type here, every number is finite (ajv's
// `number` refuses NaN and Infinity), every string and list is bounded. Objects accept
// fields they do not name, so that a newer report still reads; where a renderer walks an
// object's keys (runs), they do not.
/** The members of a string union, as a list that tsc checks is complete: a member added to the union fails the build here. */
const every = () => (list) => list;
const VERDICTS = every()(['pass', 'fail', 'inconclusive']);
const RULES = every()([
    'upper-below-limit',
    'late-upper-below-limit',
    'levels-off-below-limit',
    'above-limit',
    'saturating',
    'late-slope-below-limit',
    'too-noisy',
    'straddles',
    'too-few-samples',
    'nothing-judged'
]);
const JUDGED = every()(['heap', 'goroutines']);
const SERIES = every()(['heap', 'goroutines', 'rss']);
const SIDES = every()(['head', 'base']);
const LOAD_KINDS = every()(['built-in', 'command']);
const READINGS = every()(['quiesced', 'least-of-4', 'metrics']);
const AGAINST = every()(['limit', 'base']);
const SITE_KINDS = every()(['goroutines']);
const INTERVAL_MODES = every()(['auto', 'fixed']);
const INTERVAL_REASONS = every()(['budget', 'floor', 'fixed', 'load-command']);
const COST_MEASURES = every()(['cpu', 'wall', 'none']);
const NUMBER = { type: 'number' };
const COUNT = { type: 'number', minimum: 0 };
const NUMBER_OR_NULL = { type: ['number', 'null'] };
const BOOLEAN = { type: 'boolean' };
/** Any text: a reason, a function name, a path, an input as written. */
const TEXT = { type: 'string', maxLength: 8192 };
const WORD$1 = { type: 'string', maxLength: 256 };
const oneOf = (values) => ({ type: 'string', enum: [...values] });
const list = (items, maxItems = 10_000) => ({ type: 'array', maxItems, items });
/** An object with these fields, those in `required` required; others allowed as `extra` says. */
function object(properties, required, extra = true) {
    return { type: 'object', properties, required: [...required], additionalProperties: extra };
}
/** What a newer Trend or Judgement may add: scalars and small records of numbers (a fill's plateau and time constant). */
const SCALAR_OR_RECORD = {
    anyOf: [
        { type: ['number', 'boolean', 'null'] },
        WORD$1,
        { type: 'object', maxProperties: 16, additionalProperties: NUMBER }
    ]
};
const fields = (names, schema) => Object.fromEntries(names.map((n) => [n, schema]));
/** One of the definitions below. */
const ref = (name) => ({ $ref: `#/definitions/${name}` });
const orNull = (schema) => ({ anyOf: [schema, { type: 'null' }] });
const bySeries = (names, schema) => object(fields(names, schema), names);
const DEFINITIONS = {
    sample: object({
        ...fields(['t', 'liveHeapBytes', 'liveHeapObjects', 'goroutines'], NUMBER),
        rssBytes: NUMBER_OR_NULL,
        reading: oneOf(READINGS),
        pauseMs: COUNT,
        gcCostMs: COUNT
    }, ['t', 'liveHeapBytes', 'liveHeapObjects', 'goroutines', 'rssBytes']),
    // Only the fields every version of Trend has are required; the rest may change with the analysis.
    trend: object({ slopePerSec: NUMBER, ciLow: NUMBER, ciHigh: NUMBER, lateSlopePerSec: NUMBER, n: COUNT }, ['slopePerSec', 'ciLow', 'ciHigh', 'lateSlopePerSec', 'n'], SCALAR_OR_RECORD),
    load: object({
        kind: oneOf(LOAD_KINDS),
        command: TEXT,
        requests: NUMBER_OR_NULL,
        errors: NUMBER_OR_NULL,
        firstError: TEXT,
        achievedRatePerSec: NUMBER_OR_NULL,
        exitCode: NUMBER_OR_NULL
    }, ['kind', 'requests', 'errors', 'achievedRatePerSec']),
    heapSite: object({
        function: TEXT,
        file: TEXT,
        line: NUMBER,
        repoPath: TEXT,
        kind: oneOf(SITE_KINDS),
        callPath: list(TEXT, 1000),
        ...fields(['inuseBytesGrowth', 'inuseObjectsGrowth', 'bytesPerSec', 'bytesPerRequest'], NUMBER),
        withinNoise: BOOLEAN
    }, [
        'function',
        'file',
        'line',
        'callPath',
        'inuseBytesGrowth',
        'inuseObjectsGrowth',
        'bytesPerSec',
        'withinNoise'
    ]),
    goroutineGroup: object({
        ...fields(['function', 'file', 'repoPath', 'waitReason', 'createdBy'], TEXT),
        ...fields(['line', 'countGrowth', 'perSec', 'count'], NUMBER),
        callPath: list(TEXT, 1000),
        provenLeaked: BOOLEAN
    }, ['function', 'file', 'line', 'callPath', 'countGrowth', 'perSec', 'count']),
    attribution: object({
        heap: list(ref('heapSite')),
        goroutines: list(ref('goroutineGroup')),
        files: object({ flamegraph: TEXT, heapFirst: TEXT, heapLast: TEXT }, []),
        notes: list(TEXT, 1000)
    }, ['heap', 'goroutines']),
    run: object({
        side: oneOf(SIDES),
        ref: TEXT,
        commit: { type: 'string', pattern: '^[0-9a-fA-F]{1,64}$' },
        samples: list(ref('sample'), 200_000),
        trends: bySeries(SERIES, orNull(ref('trend'))),
        load: ref('load'),
        attribution: ref('attribution'),
        sampleNotes: list(TEXT),
        profilesDir: TEXT,
        warmupSec: COUNT,
        durationSec: COUNT,
        repeats: list(object({
            slopePerSec: bySeries(SERIES, NUMBER_OR_NULL),
            sePerSec: bySeries(SERIES, NUMBER_OR_NULL),
            profilesDir: TEXT
        }, ['slopePerSec']), 1000),
        source: object({ kind: oneOf(['pprof', 'metrics']), heapGauge: WORD$1 }, ['kind'], false),
        requestsPerSec: NUMBER_OR_NULL,
        looks: list(object({
            index: COUNT,
            count: COUNT,
            atSec: NUMBER,
            decisions: object({}, [], object({ outcome: oneOf([...VERDICTS, 'continue']), rule: oneOf(RULES) }, ['outcome', 'rule'], false)),
            limitsPerSec: object({}, [], NUMBER),
            samplingOnToName: { type: 'boolean' }
        }, ['index', 'count', 'atSec', 'decisions', 'limitsPerSec']), 100),
        detectable: object({}, [], object({ perSec: NUMBER, perMin: NUMBER, perRequest: NUMBER_OR_NULL, limitPerRequest: NUMBER_OR_NULL }, ['perSec', 'perRequest', 'limitPerRequest'])),
        quiescence: object({
            enabled: BOOLEAN,
            notDrained: COUNT,
            pauseP50Ms: NUMBER_OR_NULL,
            pauseP95Ms: NUMBER_OR_NULL,
            pausedFraction: NUMBER_OR_NULL
        }, ['enabled', 'notDrained']),
        interval: object({
            intervalMs: COUNT,
            mode: oneOf(INTERVAL_MODES),
            reason: oneOf(INTERVAL_REASONS),
            lookTimesFactor: COUNT,
            gcCostPerSampleSec: orNull(COUNT),
            costMeasure: oneOf(COST_MEASURES),
            budgetCores: COUNT,
            costCores: orNull(COUNT),
            budgetIntervalMs: orNull(COUNT),
            overBudget: BOOLEAN
        }, [
            'intervalMs',
            'mode',
            'reason',
            'gcCostPerSampleSec',
            'costMeasure',
            'budgetCores',
            'costCores',
            'overBudget'
        ])
    }, ['side', 'samples', 'trends', 'load', 'sampleNotes', 'profilesDir', 'warmupSec', 'durationSec']),
    judgement: object({
        outcome: oneOf(VERDICTS),
        rule: oneOf(RULES),
        series: { enum: [...JUDGED, null] },
        against: oneOf(AGAINST),
        ...fields([
            'estimatePerSec',
            'lowPerSec',
            'highPerSec',
            'latePerSec',
            'limitPerSec',
            'headPerSec',
            'basePerSec'
        ], NUMBER),
        baselineMissing: BOOLEAN
    }, ['outcome', 'rule', 'series', 'against'], SCALAR_OR_RECORD),
    seriesComparison: object({
        diffPerSec: NUMBER,
        ciLow: NUMBER,
        ciHigh: NUMBER,
        limitPerSec: NUMBER_OR_NULL,
        runSpreadPerSec: COUNT,
        baseRunSpreadPerSec: COUNT,
        runSpreadFrom: oneOf(['floor', 'repeats'])
    }, ['diffPerSec', 'ciLow', 'ciHigh', 'limitPerSec'])
};
/** report.json, schemaVersion 2. */
const REPORT_SCHEMA = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/go-memgate/go-memgate/schema/report.schema.json',
    title: 'go-memgate report.json',
    description: 'What one go-memgate run measured and decided (schemaVersion 2). Numbers are finite; growth is per second; sizes in bytes.',
    ...object({
        schemaVersion: { const: 2 },
        tool: object({ name: { const: 'go-memgate' }, version: WORD$1 }, ['name', 'version']),
        name: { type: 'string', pattern: NAME_PATTERN },
        verdict: oneOf(VERDICTS),
        reasons: list(TEXT, 100),
        judgements: list(ref('judgement'), 100),
        notices: list(TEXT, 1000),
        config: { type: 'object', maxProperties: 200, additionalProperties: TEXT },
        runs: object({ head: ref('run'), base: ref('run') }, ['head'], false),
        comparison: object({
            heap: ref('seriesComparison'),
            goroutines: ref('seriesComparison'),
            newInHead: list(TEXT, 1000),
            perRequest: object({ headRequestsPerSec: NUMBER, baseRequestsPerSec: NUMBER }, ['headRequestsPerSec', 'baseRequestsPerSec'], false),
            pairs: { type: 'integer', minimum: 1 },
            order: oneOf(['base-head', 'abba']),
            baseline: oneOf(['merge-base', 'stored']),
            confidence: { type: 'number', minimum: 0, maximum: 1 }
        }, []),
        createdAt: WORD$1
    }, [
        'schemaVersion',
        'tool',
        'name',
        'verdict',
        'reasons',
        'judgements',
        'notices',
        'config',
        'runs',
        'createdAt'
    ]),
    definitions: DEFINITIONS
};
/**
 * schemaVersion 1, read to be migrated (report.ts): its samples name the live heap
 * heapInuseBytes and heapInuseObjects, and it kept no judgements.
 */
function reportSchemaV1() {
    const schema = structuredClone(REPORT_SCHEMA);
    delete schema.$id;
    schema.properties.schemaVersion = { const: 1 };
    schema.required = schema.required.filter((r) => r !== 'judgements');
    const sample = schema.definitions.sample;
    const { liveHeapBytes, liveHeapObjects, ...rest } = sample.properties;
    sample.properties = { ...rest, heapInuseBytes: liveHeapBytes, heapInuseObjects: liveHeapObjects };
    sample.required = sample.required.map((r) => r.replace(/^liveHeap/, 'heapInuse'));
    return schema;
}

// Assembles report.json from runs and judgements; checks one written earlier.
const TOOL_VERSION = '0.1.0';
function buildReport(p) {
    return {
        schemaVersion: SCHEMA_VERSION,
        tool: { name: 'go-memgate', version: TOOL_VERSION },
        name: p.name,
        verdict: p.verdict,
        reasons: p.judgements.map(describeJudgement),
        judgements: p.judgements,
        notices: p.notices,
        config: p.config,
        runs: p.base ? { head: p.head, base: p.base } : { head: p.head },
        ...(p.comparison ? { comparison: p.comparison } : {}),
        createdAt: p.createdAt.toISOString(),
        ...(p.source ? { source: p.source } : {})
    };
}
/**
 * Checks a report.json written earlier (the text of the file at `path`, named in errors
 * with the input that gave it) against the published schema (schema.ts); refuses another
 * tool, another schema version or a field of the wrong type with a one-line reason.
 * Version 1 is checked as version 1, then read as version 2: its samples' heapInuse*
 * fields are renamed, and its judgements, which it did not keep, are left empty (its
 * reasons remain).
 */
function parseReport(text, path, input) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (e) {
        throw new ConfigError(`${input}: cannot read ${path}: ${e.message.split('\n')[0]}`);
    }
    const r = parsed;
    if (typeof r !== 'object' || r?.tool?.name !== 'go-memgate')
        throw new ConfigError(`${input}: ${path} is not a go-memgate report.json`);
    const version = r.schemaVersion;
    if (version !== SCHEMA_VERSION && version !== 1)
        throw new ConfigError(`${input}: ${path} has schemaVersion ${String(version).slice(0, 20)}; this go-memgate reads schemaVersion 1 and ${SCHEMA_VERSION}`);
    // In the fork-safe comment mode the file comes from untrusted code: every field a renderer reads is checked.
    const validate = validators()[version];
    if (!validate(parsed))
        throw new ConfigError(`${input}: ${path} does not follow the report.json schema (schemaVersion ${version}): ${firstError(validate.errors)}`);
    return version === SCHEMA_VERSION ? parsed : fromVersion1(parsed);
}
let compiled;
/** Compiled once, on first use: a run that reads no report pays nothing. */
function validators() {
    if (!compiled) {
        const ajv = new ajvExports.Ajv({ strict: true, allowUnionTypes: true });
        compiled = { 1: ajv.compile(reportSchemaV1()), 2: ajv.compile(REPORT_SCHEMA) };
    }
    return compiled;
}
/** "/runs/head/trends/heap/slopePerSec must be number": where, quoted safely (keys come from the file), and what. */
function firstError(errors) {
    const e = errors?.[0];
    if (!e)
        return 'invalid';
    const extra = e.params.additionalProperty;
    const where = JSON.stringify((e.instancePath || '/') + (extra === undefined ? '' : `/${extra}`));
    return `${where.slice(1, -1).slice(0, 200)} ${e.message ?? 'is invalid'}`;
}
/** Version 1's trends had Sen's plain 95% interval and no halves: read as what they were. */
function trendFromVersion1(t) {
    if (!t || typeof t !== 'object')
        return null;
    const z = 1.959963984540054;
    const { slopePerSec, ciLow, ciHigh, lateSlopePerSec, n } = t;
    return {
        slopePerSec,
        ciLow,
        ciHigh,
        earlySlopePerSec: slopePerSec,
        lateSlopePerSec,
        lateCiLow: null,
        lateCiHigh: null,
        sePerSec: (ciHigh - ciLow) / (2 * z),
        rho: 0,
        vif: 1,
        shape: 'steady',
        saturationZ: 0,
        remainingLowPerSec: null,
        remainingHighPerSec: null,
        z,
        confidence: 0.95,
        method: 'theil-sen',
        n
    };
}
function fromVersion1(r) {
    const samples = (run) => ({
        ...run,
        samples: run.samples.map(({ heapInuseBytes, heapInuseObjects, ...s }) => ({
            ...s,
            liveHeapBytes: Number(heapInuseBytes),
            liveHeapObjects: Number(heapInuseObjects)
        })),
        trends: {
            heap: trendFromVersion1(run.trends.heap),
            goroutines: trendFromVersion1(run.trends.goroutines),
            rss: trendFromVersion1(run.trends.rss)
        },
        source: { kind: 'pprof' },
        requestsPerSec: run.load?.achievedRatePerSec ?? null,
        looks: [],
        detectable: {},
        quiescence: { enabled: false, notDrained: 0, pauseP50Ms: null, pauseP95Ms: null, pausedFraction: null }
    });
    const { head, base } = r.runs;
    return {
        ...r,
        schemaVersion: SCHEMA_VERSION,
        judgements: [],
        runs: base ? { head: samples(head), base: samples(base) } : { head: samples(head) }
    };
}

// `baseline: <report.json>`: the head run of a report stored earlier, as this run's base.
/** A report of another service cannot be a baseline: refused. */
const SAME_SERVICE = ['name', 'working-directory', 'package'];
/** Inputs that change the growth rate itself: allowed to differ, but said. */
const SAME_LOAD = ['load-command', 'rate', 'connections', 'warmup', 'memprofilerate'];
function readStoredBaseline(path, config) {
    const stored = readReportFile(resolve$1(path), 'baseline');
    const value = (record, key) => String(record[key] ?? '');
    for (const key of SAME_SERVICE) {
        const then = value(stored.config, key);
        const now = value(config, key);
        if (then !== now)
            throw new ConfigError(`baseline: ${path} measured another service (${key} "${then}", here "${now}"); use a report.json of this service, or baseline: merge-base`);
    }
    const notices = SAME_LOAD.filter((key) => value(stored.config, key) !== value(config, key)).map((key) => `the baseline ${path} was measured with ${key} "${value(stored.config, key)}", this run with "${value(config, key)}": part of the difference may come from that alone`);
    return { run: { ...stored.runs.head, side: 'base' }, notices };
}
/** The most of a report.json that is read: a long run's report has a few MiB. */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;
/** A report.json written earlier, checked; one-line errors name the input that gave its path. */
function readReportFile(path, input) {
    let bytes;
    try {
        bytes = readCapped(path, MAX_REPORT_BYTES);
    }
    catch (e) {
        if (e instanceof ConfigError)
            throw new ConfigError(`${input}: ${path} ${e.message}`);
        throw new ConfigError(`${input}: cannot read ${path}: ${e.message.split('\n')[0]}`);
    }
    return parseReport(bytes.toString('utf8'), path, input);
}
/** The file's bytes, refused (ConfigError, without the path) when it is not a file or holds more than `maxBytes`. */
function readCapped(path, maxBytes) {
    // Non-blocking: a FIFO would block the open until someone writes to it.
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
        if (!fstatSync(fd).isFile())
            throw new ConfigError('is not a file; give the path of a report.json');
        const buffer = Buffer.alloc(maxBytes + 1);
        let length = 0;
        while (length < buffer.length) {
            const n = readSync(fd, buffer, length, buffer.length - length, null);
            if (n === 0)
                break;
            length += n;
        }
        if (length > maxBytes)
            throw new ConfigError(`is larger than ${formatBytes(maxBytes)}, the most a report.json may have`);
        return buffer.subarray(0, length);
    }
    finally {
        closeSync(fd);
    }
}

// Keeps a process's output: a log file for the artifact and the last lines in memory for
// errors. Both are bounded whatever the process prints (a service or a load tool can flood
// or print megabytes without a newline), and secrets are hidden before anything is kept.
/** The log file keeps this much of the start of the output, then the last lines. */
const MAX_LOG_BYTES = 8 * 1024 * 1024;
/** A longer line is cut: one line must not hold megabytes in memory. */
const MAX_LINE_CHARS = 4096;
// Lines are redacted and written in batches: one regex pass over 64 KiB costs far less than one per line.
const LOG_BATCH_CHARS = 65536;
class OutputTail {
    maxLines;
    // Raw lines, up to twice maxLines, trimmed in batches; redacted only when shown.
    lines = [];
    partial = '';
    partialCut = false;
    file;
    redact;
    maxLogBytes;
    onLine;
    // Lines not yet redacted and written to the log.
    pending = '';
    logBytes = 0;
    logCut = false;
    bytesLeftOut = 0;
    linesSinceCut = 0;
    closed = false;
    constructor(maxLines = 40, logPath, options = {}) {
        this.maxLines = maxLines;
        this.redact = options.redact ?? redactText;
        this.maxLogBytes = options.maxLogBytes ?? MAX_LOG_BYTES;
        this.onLine = options.onLine;
        // A log that cannot be written is no reason to stop the gate; the tail in memory remains.
        this.file = logPath ? openLog(logPath) : null;
        this.file?.on('error', () => { });
    }
    /** Whether the log file was cut at its size cap, so the report can say so. */
    get truncated() {
        return this.logCut;
    }
    attach(stream) {
        // A decoder per stream: a chunk may end inside a multi-byte character.
        const decoder = new StringDecoder('utf8');
        stream?.on('data', (chunk) => this.push(decoder.write(chunk)));
        stream?.on('end', () => this.push(decoder.end()));
    }
    /** Linear in text.length: each character is looked at once, at most MAX_LINE_CHARS are kept. */
    push(text) {
        let start = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
            this.append(text, start, nl);
            this.endLine();
            start = nl + 1;
        }
        this.append(text, start, text.length);
    }
    text() {
        const shown = [...this.lines.slice(-this.maxLines), this.partialShown()].filter((l) => l !== '');
        return this.redact(shown.join('\n'));
    }
    /** Ends the log with the partial line, and after a cut with the last lines; resolves once written. */
    close() {
        if (this.closed || !this.file)
            return Promise.resolve();
        if (this.partial !== '')
            this.endLine();
        this.flushLog();
        this.closed = true;
        if (this.logCut) {
            const last = this.lines.slice(-Math.min(this.maxLines, this.linesSinceCut));
            const leftOut = this.bytesLeftOut - last.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0);
            this.file.write(`[memgate: ${formatBytes(leftOut)} of output left out: the log keeps the first ${formatBytes(this.maxLogBytes)} and the last ${last.length} lines]\n`);
            if (last.length)
                this.file.write(this.redact(last.join('\n')) + '\n');
        }
        const file = this.file;
        return new Promise((resolve) => file.end(resolve));
    }
    append(text, from, to) {
        const room = MAX_LINE_CHARS - this.partial.length;
        if (to - from > room)
            this.partialCut = true;
        if (room > 0)
            this.partial += text.slice(from, Math.min(to, from + room));
    }
    endLine() {
        const line = this.partialShown();
        this.partial = '';
        this.partialCut = false;
        this.lines.push(line);
        this.onLine?.(line);
        if (this.lines.length > 2 * this.maxLines)
            this.lines.splice(0, this.lines.length - this.maxLines);
        if (!this.file || this.closed)
            return;
        if (this.logCut)
            return this.leaveOut(Buffer.byteLength(line) + 1);
        this.pending += line + '\n';
        if (this.pending.length >= LOG_BATCH_CHARS)
            this.flushLog();
    }
    /** Redacts and writes the pending lines; the first line past the cap cuts the log. */
    flushLog() {
        if (this.pending === '' || !this.file)
            return;
        const text = this.redact(this.pending);
        this.pending = '';
        if (this.logBytes + Buffer.byteLength(text) <= this.maxLogBytes) {
            this.logBytes += Buffer.byteLength(text);
            this.file.write(text);
            return;
        }
        for (const line of text.slice(0, -1).split('\n')) {
            const bytes = Buffer.byteLength(line) + 1;
            if (this.logCut || this.logBytes + bytes > this.maxLogBytes) {
                this.logCut = true;
                this.leaveOut(bytes);
            }
            else {
                this.logBytes += bytes;
                this.file.write(line + '\n');
            }
        }
    }
    leaveOut(bytes) {
        this.bytesLeftOut += bytes;
        this.linesSinceCut++;
    }
    /** The partial line as kept: with a mark when it was cut. */
    partialShown() {
        return this.partialCut
            ? `${this.partial} [memgate: line cut at ${MAX_LINE_CHARS} characters]`
            : this.partial;
    }
}
function openLog(path) {
    try {
        mkdirSync(dirname(path), { recursive: true });
    }
    catch {
        return null;
    }
    return createWriteStream(path);
}

// Every process we start runs in its own process group and is registered here, so
// that success, failure, timeout, Ctrl-C and job cancellation all end it. A process that
// leaves its group (setsid, a daemon's double fork) is found too: through the parent links
// in /proc while its parent lives, and by the MEMGATE_GROUP variable it inherits once it is
// orphaned. A watchdog ends them all when memgate itself dies, even by SIGKILL.
/** Set in the environment of every group we start: how its processes are found after they leave it. */
const GROUP_VAR = 'MEMGATE_GROUP';
/** The runner's own credentials: the build, the service and the load have no use for them. */
const RUNNER_SECRETS = [
    'INPUT_GITHUB-TOKEN',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
];
// This memgate's mark; a group's tag is `${owner}.${n}`. The random part keeps a reused pid apart.
const owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
let groups = 0;
/** Live process groups: pgid -> tag. */
const live = new Map();
let handlersInstalled = false;
/** Process groups are how nothing is left running; Windows has none to signal. */
function assertSupportedPlatform(platform = process.platform) {
    if (platform === 'win32')
        throw new GateError('go-memgate runs on Linux and macOS runners; Windows is not supported (use runs-on: ubuntu-latest)');
}
/** Spawns `command` in a new process group, without the runner's credentials, and registers the group for cleanup. */
function spawnGroup(command, args, options) {
    installHandlers();
    if (watchdog === undefined)
        watchdog = startWatchdog();
    const tag = `${owner}.${++groups}`;
    const env = { ...(options.env ?? process.env), [GROUP_VAR]: tag };
    for (const name of RUNNER_SECRETS)
        delete env[name];
    const child = spawn(command, args, { ...options, env, detached: true });
    if (child.pid !== undefined) {
        live.set(child.pid, tag);
        tellWatchdog(`add ${child.pid}`);
    }
    return child;
}
function parseStat(text) {
    // The command name (field 2) is in parentheses and may hold spaces and ")": fields resume after the last ")".
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
        pid: parseInt(text, 10),
        state: fields[0],
        ppid: Number(fields[1]),
        pgid: Number(fields[2]),
        startTicks: Number(fields[19])
    };
}
/** Every process below `root` by parent links, `root` itself left out. */
function descendantsOf(root, processes) {
    const children = new Map();
    for (const p of processes) {
        const siblings = children.get(p.ppid);
        if (siblings)
            siblings.push(p);
        else
            children.set(p.ppid, [p]);
    }
    const found = [];
    const queue = [root];
    while (queue.length > 0)
        for (const child of children.get(queue.pop()) ?? []) {
            found.push(child);
            queue.push(child.pid);
        }
    return found;
}
function readStat(pid) {
    try {
        return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    }
    catch {
        return null; // gone, or no /proc (macOS): the group signal still reaches the group
    }
}
function readProcesses() {
    let pids;
    try {
        pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    }
    catch {
        return [];
    }
    return pids.map((pid) => readStat(Number(pid))).filter((p) => p !== null);
}
function hasTag(pid, tag) {
    try {
        return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${GROUP_VAR}=${tag}\0`);
    }
    catch {
        return false; // gone, or another user's
    }
}
/**
 * The processes of a group as we started it: those still in it, those below its leader, and
 * those that carry its tag (orphans that left it). Read before any signal, while parents live.
 */
function membersOf(pgid, tag) {
    const all = readProcesses();
    const below = new Set(descendantsOf(pgid, all).map((p) => p.pid));
    return all.filter((p) => p.pid !== process.pid && (p.pgid === pgid || below.has(p.pid) || (tag && hasTag(p.pid, tag))));
}
/** The pids of a group we started, and of those that left it (see membersOf). */
function groupMembers(pgid) {
    return membersOf(pgid, live.get(pgid)).map((p) => p.pid);
}
/** Alive and still the same process: a pid reused since is not ours. */
function isAlive(p) {
    const now = readStat(p.pid);
    return now !== null && now.startTicks === p.startTicks && !isDead(now);
}
function signalProcesses(processes, signal) {
    for (const p of processes)
        if (isAlive(p))
            signalPid(p.pid, signal);
}
function signalPid(pid, signal) {
    try {
        process.kill(pid, signal);
        return true;
    }
    catch {
        return false; // ESRCH: gone (for a group: empty)
    }
}
/** Whether a process of the group still runs. A zombie does not: a container's init may reap it late. */
function groupAlive(pgid) {
    if (!signalPid(-pgid, 0))
        return false;
    const all = readProcesses();
    return all.length === 0 || all.some((p) => p.pgid === pgid && !isDead(p));
}
const isDead = (p) => p.state === 'Z' || p.state === 'X';
/** SIGTERM to the whole group and whatever left it, SIGKILL after `graceMs`; resolves when all are gone. */
async function stopGroup(child, graceMs = 3000) {
    const pgid = child.pid;
    if (pgid === undefined)
        return;
    const tag = live.get(pgid);
    let members = membersOf(pgid, tag);
    const anyAlive = () => groupAlive(pgid) || members.some(isAlive);
    signalPid(-pgid, 'SIGTERM');
    signalProcesses(members, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (anyAlive() && Date.now() < deadline)
        await sleep(50);
    // Those started during the grace period too.
    members = [...members, ...membersOf(pgid, tag)];
    signalPid(-pgid, 'SIGKILL');
    signalProcesses(members, 'SIGKILL');
    while (anyAlive() && Date.now() < deadline + 2000)
        await sleep(20);
    live.delete(pgid);
    tellWatchdog(`del ${pgid}`);
    await releaseOutput(child);
}
/**
 * How a process ended, once its output is read: 'close' comes when the pipes are drained
 * too (the last lines are often a panic). A process it started that is not ours (it left
 * the group and dropped its tag) may hold the pipes for ever: then a moment after 'exit'.
 */
async function exitOf(child) {
    const [code, signal] = (await once(child, 'exit'));
    await drained(child, 500);
    return { code, signal };
}
const drained = (child, ms) => {
    const open = [child.stdout, child.stderr].filter((s) => s !== null && !s.closed);
    return Promise.race([Promise.all(open.map((s) => once(s, 'close'))), sleep(ms)]);
};
/** Stops reading the output of a process that is gone: pipes another process holds would keep memgate running. */
async function releaseOutput(child) {
    await drained(child, 200);
    child.stdout?.destroy();
    child.stderr?.destroy();
}
/** Ends every group still registered, at once. Safe in an 'exit' handler (synchronous). */
function killAllGroups() {
    for (const [pgid, tag] of live) {
        const members = membersOf(pgid, tag);
        signalPid(-pgid, 'SIGKILL');
        signalProcesses(members, 'SIGKILL');
    }
    live.clear();
}
function installHandlers() {
    if (handlersInstalled)
        return;
    handlersInstalled = true;
    process.once('exit', killAllGroups);
}
// The watchdog: a shell in its own group that reads "add <pgid>" and "del <pgid>" lines on its
// stdin. Its stdin is a pipe whose only writer is memgate, so it reads end-of-file the moment
// memgate is gone, however it died; it then kills the groups still registered and, on Linux,
// every process carrying this memgate's tag. It ignores the signals a Ctrl-C or a runner's
// cancellation sends, which reach memgate and are handled there.
const WATCHDOG_SCRIPT = `
trap '' INT TERM HUP
groups=
while read -r verb pgid; do
  case $verb in
    add) groups="$groups $pgid" ;;
    del) left=; for g in $groups; do [ "$g" = "$pgid" ] || left="$left $g"; done; groups=$left ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
for f in $(grep -lsz "^${GROUP_VAR}=$1\\." /proc/[0-9]*/environ); do
  p=\${f#/proc/}; kill -s KILL "\${p%/environ}" 2>/dev/null
done
`;
// undefined: not started yet; null: could not be started (no sh), and groups are then ended by memgate only.
let watchdog;
function tellWatchdog(line) {
    watchdog?.write(`${line}\n`);
}
function startWatchdog() {
    const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'memgate-watchdog', owner], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore']
    });
    child.on('error', () => (watchdog = null));
    // Neither the watchdog nor its pipe keeps memgate running.
    child.unref();
    const stdin = child.stdin;
    stdin?.unref();
    stdin?.on('error', () => (watchdog = null));
    return stdin;
}
const sleep = (ms, signal) => new Promise((resolve) => {
    if (signal?.aborted)
        return resolve();
    const timer = setTimeout(done, ms);
    function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
});

// Builds the service: `go build`, or the user's build-command, into a known binary path.
const execFileAsync$1 = promisify(execFile);
/**
 * The toolchain's version ("go1.26.8") and the modules' paths and folders, for
 * attribution. `repoRoot` comes from the caller, who asks git: the engine runs go only.
 */
async function inspectModule(moduleDir, repoRoot) {
    let goVersion;
    try {
        goVersion = (await execFileAsync$1('go', ['env', 'GOVERSION'], { cwd: moduleDir })).stdout.trim();
    }
    catch (e) {
        const err = e;
        if (err.code === 'ENOENT') {
            const where = err.path === 'go' ? 'Go is not on PATH: install it (actions/setup-go)' : err.message;
            throw new GateError(`cannot run go: ${where}`);
        }
        throw new GateError(`working-directory: ${moduleDir} cannot be used: ${err.message.split('\n')[0]}`);
    }
    let modules = [];
    try {
        // One line a module: a go.work workspace lists all of its modules. Paths hold no spaces.
        const list = await execFileAsync$1('go', ['list', '-m', '-f', '{{.Path}} {{.Dir}}'], { cwd: moduleDir });
        modules = list.stdout
            .split('\n')
            .map((line) => {
            const space = line.indexOf(' ');
            return { path: line.slice(0, space), dir: line.slice(space + 1) };
        })
            // Outside module mode go names a folderless "command-line-arguments": no module of the service.
            .filter((m) => m.path && m.dir);
    }
    catch {
        // Not a module (GOPATH mode, or a build-command that knows better): paths stay absolute.
    }
    return { goVersion, modules, moduleDir, repoRoot };
}
/** Go 1.26 is the first release with the goroutineleak profile experiment. */
function supportsGoroutineLeakProfile(goVersion) {
    const m = /^go(\d+)\.(\d+)/.exec(goVersion);
    return m !== null && (Number(m[1]) > 1 || Number(m[2]) >= 26);
}
async function buildService(req) {
    mkdirSync(dirname(req.binaryPath), { recursive: true });
    const env = { ...process.env, MEMGATE_BINARY: req.binaryPath };
    if (req.goroutineLeakProfile) {
        env.GOEXPERIMENT = [process.env.GOEXPERIMENT, 'goroutineleakprofile'].filter(Boolean).join(',');
    }
    const [cmd, args, what] = req.buildCommand
        ? ['sh', ['-c', req.buildCommand], `build-command "${req.buildCommand}"`]
        : ['go', ['build', '-o', req.binaryPath, req.package], `go build ${req.package}`];
    const output = new OutputTail(200, undefined, { redact: req.redact });
    const child = spawnGroup(cmd, args, { cwd: req.moduleDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    output.attach(child.stdout);
    output.attach(child.stderr);
    const onAbort = () => void stopGroup(child, 1000);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const { code } = await exitOf(child).finally(() => req.signal?.removeEventListener('abort', onAbort));
    await stopGroup(child, 100);
    if (req.signal?.aborted)
        throw new GateError('cancelled while building');
    if (code !== 0)
        throw new GateError(`${what} failed (exit code ${code})`, output.text());
}
function resolveModuleDir(repoRoot, workingDirectory) {
    return resolve$1(repoRoot, workingDirectory);
}

// The output folder: checked and cleared of an earlier run's report before anything runs,
// and every file memgate writes into it written so that a failure names the folder, not
// pprof or the service.
/** Kernel file systems: a mkdir there fails or, on Node 20 under /proc, never returns. */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys'];
/** What an earlier run left that a cancelled run must not leave standing beside its own partial profiles. */
const REPORT_FILES = ['report.json', 'report.md'];
/**
 * Makes `dir` if missing, checks that it can be written, and removes report.json and
 * report.md of an earlier run. Throws an OutputError naming the folder.
 */
function prepareOutDir(dir) {
    const real = realPathOf(dir);
    const kernel = KERNEL_FILE_SYSTEMS.find((k) => real === k || real.startsWith(`${k}/`));
    if (kernel)
        throw new OutputError(dir, `is under ${kernel}, a kernel file system; give a folder on disk`);
    try {
        mkdirSync(dir, { recursive: true });
    }
    catch (e) {
        const code = e.code;
        if (code === 'EEXIST')
            throw new OutputError(dir, 'is a file, not a folder; give a folder (memgate creates it when missing)');
        throw new OutputError(dir, `cannot be created (${reason(e)}); give a folder memgate can write`);
    }
    try {
        accessSync(dir, constants.W_OK | constants.X_OK);
        for (const file of REPORT_FILES)
            rmSync(join(dir, file), { force: true });
    }
    catch (e) {
        throw new OutputError(dir, `cannot be written (${reason(e)}); give a folder memgate can write`);
    }
}
/** writeFileSync, with a failure blamed on the output folder. */
function writeOutput(path, data) {
    try {
        writeFileSync(path, data);
    }
    catch (e) {
        throw new OutputError(path, `cannot be written (${reason(e)}); give a folder memgate can write`);
    }
}
/** mkdirSync -p, with a failure blamed on the output folder. */
function mkdirOutput(dir) {
    try {
        mkdirSync(dir, { recursive: true });
    }
    catch (e) {
        throw new OutputError(dir, `cannot be created (${reason(e)}); give a folder memgate can write`);
    }
}
/** "EROFS: read-only file system": the code and its words, without the path Node appends. */
const reason = (e) => e.message.split(',')[0];
/** The real path of `path`, through its deepest existing ancestor: a symlink into /proc is seen for what it is. */
function realPathOf(path) {
    if (existsSync(path))
        return realpathSync(path);
    const parent = dirname(path);
    return parent === path ? path : join(realPathOf(parent), basename(path));
}

var promClient = {};

var registry = {exports: {}};

var util = {};

var hasRequiredUtil;

function requireUtil () {
	if (hasRequiredUtil) return util;
	hasRequiredUtil = 1;

	util.getValueAsString = function getValueString(value) {
		if (Number.isNaN(value)) {
			return 'Nan';
		} else if (!Number.isFinite(value)) {
			if (value < 0) {
				return '-Inf';
			} else {
				return '+Inf';
			}
		} else {
			return `${value}`;
		}
	};

	util.removeLabels = function removeLabels(
		hashMap,
		labels,
		sortedLabelNames,
	) {
		const hash = hashObject(labels, sortedLabelNames);
		delete hashMap[hash];
	};

	util.setValue = function setValue(hashMap, value, labels) {
		const hash = hashObject(labels);
		hashMap[hash] = {
			value: typeof value === 'number' ? value : 0,
			labels: labels || {},
		};
		return hashMap;
	};

	util.setValueDelta = function setValueDelta(
		hashMap,
		deltaValue,
		labels,
		hash = '',
	) {
		const value = typeof deltaValue === 'number' ? deltaValue : 0;
		if (hashMap[hash]) {
			hashMap[hash].value += value;
		} else {
			hashMap[hash] = { value, labels };
		}
		return hashMap;
	};

	util.getLabels = function (labelNames, args) {
		if (typeof args[0] === 'object') {
			return args[0];
		}

		if (labelNames.length !== args.length) {
			throw new Error(
				`Invalid number of arguments (${args.length}): "${args.join(
					', ',
				)}" for label names (${labelNames.length}): "${labelNames.join(', ')}".`,
			);
		}

		const acc = {};
		for (let i = 0; i < labelNames.length; i++) {
			acc[labelNames[i]] = args[i];
		}
		return acc;
	};

	function fastHashObject(keys, labels) {
		if (keys.length === 0) {
			return '';
		}

		let hash = '';

		for (let i = 0; i < keys.length; i++) {
			const key = keys[i];
			const value = labels[key];
			if (value === undefined) continue;

			hash += `${key}:${value},`;
		}

		return hash;
	}

	function hashObject(labels, labelNames) {
		// We don't actually need a hash here. We just need a string that
		// is unique for each possible labels object and consistent across
		// calls with equivalent labels objects.

		if (labelNames) {
			return fastHashObject(labelNames, labels);
		}

		const keys = Object.keys(labels);
		if (keys.length > 1) {
			keys.sort(); // need consistency across calls
		}

		return fastHashObject(keys, labels);
	}
	util.hashObject = hashObject;

	util.isObject = function isObject(obj) {
		return obj !== null && typeof obj === 'object';
	};

	util.nowTimestamp = function nowTimestamp() {
		return Date.now() / 1000;
	};

	class Grouper extends Map {
		/**
		 * Adds the `value` to the `key`'s array of values.
		 * @param {*} key Key to set.
		 * @param {*} value Value to add to `key`'s array.
		 * @returns {undefined} undefined.
		 */
		add(key, value) {
			if (this.has(key)) {
				this.get(key).push(value);
			} else {
				this.set(key, [value]);
			}
		}
	}

	util.Grouper = Grouper;
	return util;
}

var hasRequiredRegistry;

function requireRegistry () {
	if (hasRequiredRegistry) return registry.exports;
	hasRequiredRegistry = 1;

	const { getValueAsString } = requireUtil();

	class Registry {
		static get PROMETHEUS_CONTENT_TYPE() {
			return 'text/plain; version=0.0.4; charset=utf-8';
		}

		static get OPENMETRICS_CONTENT_TYPE() {
			return 'application/openmetrics-text; version=1.0.0; charset=utf-8';
		}

		constructor(regContentType = Registry.PROMETHEUS_CONTENT_TYPE) {
			this._metrics = {};
			this._collectors = [];
			this._defaultLabels = {};
			if (
				regContentType !== Registry.PROMETHEUS_CONTENT_TYPE &&
				regContentType !== Registry.OPENMETRICS_CONTENT_TYPE
			) {
				throw new TypeError(`Content type ${regContentType} is unsupported`);
			}
			this._contentType = regContentType;
		}

		getMetricsAsArray() {
			return Object.values(this._metrics);
		}

		async getMetricsAsString(metrics) {
			const metric =
				typeof metrics.getForPromString === 'function'
					? await metrics.getForPromString()
					: await metrics.get();

			const name = escapeString(metric.name);
			const help = `# HELP ${name} ${escapeString(metric.help)}`;
			const type = `# TYPE ${name} ${metric.type}`;
			const values = [help, type];

			const defaultLabels =
				Object.keys(this._defaultLabels).length > 0 ? this._defaultLabels : null;

			const isOpenMetrics =
				this.contentType === Registry.OPENMETRICS_CONTENT_TYPE;

			for (const val of metric.values || []) {
				let { metricName = name, labels = {} } = val;
				const { sharedLabels = {} } = val;
				if (isOpenMetrics && metric.type === 'counter') {
					metricName = `${metricName}_total`;
				}

				if (defaultLabels) {
					labels = { ...labels, ...defaultLabels, ...labels };
				}

				// We have to flatten these separately to avoid duplicate labels appearing
				// between the base labels and the shared labels
				const formattedLabels = formatLabels(labels, sharedLabels);

				const flattenedShared = flattenSharedLabels(sharedLabels);
				const labelParts = [...formattedLabels, flattenedShared].filter(Boolean);
				const labelsString = labelParts.length ? `{${labelParts.join(',')}}` : '';
				let fullMetricLine = `${metricName}${labelsString} ${getValueAsString(
					val.value,
				)}`;

				const { exemplar } = val;
				if (exemplar && isOpenMetrics) {
					const formattedExemplars = formatLabels(exemplar.labelSet);
					fullMetricLine += ` # {${formattedExemplars.join(
						',',
					)}} ${getValueAsString(exemplar.value)} ${exemplar.timestamp}`;
				}
				values.push(fullMetricLine);
			}

			return values.join('\n');
		}

		async metrics() {
			const isOpenMetrics =
				this.contentType === Registry.OPENMETRICS_CONTENT_TYPE;

			const promises = this.getMetricsAsArray().map(metric => {
				if (isOpenMetrics && metric.type === 'counter') {
					metric.name = standardizeCounterName(metric.name);
				}
				return this.getMetricsAsString(metric);
			});

			const resolves = await Promise.all(promises);

			return isOpenMetrics
				? `${resolves.join('\n')}\n# EOF\n`
				: `${resolves.join('\n\n')}\n`;
		}

		registerMetric(metric) {
			if (this._metrics[metric.name] && this._metrics[metric.name] !== metric) {
				throw new Error(
					`A metric with the name ${metric.name} has already been registered.`,
				);
			}

			this._metrics[metric.name] = metric;
		}

		clear() {
			this._metrics = {};
			this._defaultLabels = {};
		}

		async getMetricsAsJSON() {
			const metrics = [];
			const defaultLabelNames = Object.keys(this._defaultLabels);

			const promises = [];

			for (const metric of this.getMetricsAsArray()) {
				promises.push(metric.get());
			}

			const resolves = await Promise.all(promises);

			for (const item of resolves) {
				if (item.values && defaultLabelNames.length > 0) {
					for (const val of item.values) {
						// Make a copy before mutating
						val.labels = Object.assign({}, val.labels);

						for (const labelName of defaultLabelNames) {
							val.labels[labelName] =
								val.labels[labelName] || this._defaultLabels[labelName];
						}
					}
				}

				metrics.push(item);
			}

			return metrics;
		}

		removeSingleMetric(name) {
			delete this._metrics[name];
		}

		getSingleMetricAsString(name) {
			return this.getMetricsAsString(this._metrics[name]);
		}

		getSingleMetric(name) {
			return this._metrics[name];
		}

		setDefaultLabels(labels) {
			this._defaultLabels = labels;
		}

		resetMetrics() {
			for (const metric in this._metrics) {
				this._metrics[metric].reset();
			}
		}

		get contentType() {
			return this._contentType;
		}

		setContentType(metricsContentType) {
			if (
				metricsContentType === Registry.OPENMETRICS_CONTENT_TYPE ||
				metricsContentType === Registry.PROMETHEUS_CONTENT_TYPE
			) {
				this._contentType = metricsContentType;
			} else {
				throw new Error(`Content type ${metricsContentType} is unsupported`);
			}
		}

		static merge(registers) {
			const regType = registers[0].contentType;
			for (const reg of registers) {
				if (reg.contentType !== regType) {
					throw new Error(
						'Registers can only be merged if they have the same content type',
					);
				}
			}
			const mergedRegistry = new Registry(regType);

			const metricsToMerge = registers.reduce(
				(acc, reg) => acc.concat(reg.getMetricsAsArray()),
				[],
			);

			metricsToMerge.forEach(mergedRegistry.registerMetric, mergedRegistry);
			return mergedRegistry;
		}
	}

	function formatLabels(labels, exclude) {
		const { hasOwnProperty } = Object.prototype;
		const formatted = [];
		for (const [name, value] of Object.entries(labels)) {
			if (!exclude || !hasOwnProperty.call(exclude, name)) {
				formatted.push(`${name}="${escapeLabelValue(value)}"`);
			}
		}
		return formatted;
	}

	const sharedLabelCache = new WeakMap();
	function flattenSharedLabels(labels) {
		const cached = sharedLabelCache.get(labels);
		if (cached) {
			return cached;
		}

		const formattedLabels = formatLabels(labels);
		const flattened = formattedLabels.join(',');
		sharedLabelCache.set(labels, flattened);
		return flattened;
	}
	function escapeLabelValue(str) {
		if (typeof str !== 'string') {
			return str;
		}
		return escapeString(str).replace(/"/g, '\\"');
	}
	function escapeString(str) {
		return str.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
	}
	function standardizeCounterName(name) {
		return name.replace(/_total$/, '');
	}

	registry.exports = Registry;
	registry.exports.globalRegistry = new Registry();
	return registry.exports;
}

var validation = {};

var hasRequiredValidation;

function requireValidation () {
	if (hasRequiredValidation) return validation;
	hasRequiredValidation = 1;

	const util = require$$0$1;

	// These are from https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels
	const metricRegexp = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
	const labelRegexp = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

	validation.validateMetricName = function (name) {
		return metricRegexp.test(name);
	};

	validation.validateLabelName = function (names = []) {
		return names.every(name => labelRegexp.test(name));
	};

	validation.validateLabel = function validateLabel(savedLabels, labels) {
		for (const label in labels) {
			if (!savedLabels.includes(label)) {
				throw new Error(
					`Added label "${label}" is not included in initial labelset: ${util.inspect(
						savedLabels,
					)}`,
				);
			}
		}
	};
	return validation;
}

var metric;
var hasRequiredMetric$1;

function requireMetric$1 () {
	if (hasRequiredMetric$1) return metric;
	hasRequiredMetric$1 = 1;

	const Registry = requireRegistry();
	const { isObject } = requireUtil();
	const { validateMetricName, validateLabelName } = requireValidation();

	/**
	 * @abstract
	 */
	class Metric {
		constructor(config, defaults = {}) {
			if (!isObject(config)) {
				throw new TypeError('constructor expected a config object');
			}
			Object.assign(
				this,
				{
					labelNames: [],
					registers: [Registry.globalRegistry],
					aggregator: 'sum',
					enableExemplars: false,
				},
				defaults,
				config,
			);
			if (!this.registers) {
				// in case config.registers is `undefined`
				this.registers = [Registry.globalRegistry];
			}
			if (!this.help) {
				throw new Error('Missing mandatory help parameter');
			}
			if (!this.name) {
				throw new Error('Missing mandatory name parameter');
			}
			if (!validateMetricName(this.name)) {
				throw new Error('Invalid metric name');
			}
			if (!validateLabelName(this.labelNames)) {
				throw new Error('Invalid label name');
			}

			if (this.collect && typeof this.collect !== 'function') {
				throw new Error('Optional "collect" parameter must be a function');
			}

			if (this.labelNames) {
				this.sortedLabelNames = [...this.labelNames].sort();
			} else {
				this.sortedLabelNames = [];
			}

			this.reset();

			for (const register of this.registers) {
				if (
					this.enableExemplars &&
					register.contentType === Registry.PROMETHEUS_CONTENT_TYPE
				) {
					throw new TypeError(
						'Exemplars are supported only on OpenMetrics registries',
					);
				}
				register.registerMetric(this);
			}
		}

		reset() {
			/* abstract */
		}
	}

	metric = { Metric };
	return metric;
}

var exemplar;
var hasRequiredExemplar;

function requireExemplar () {
	if (hasRequiredExemplar) return exemplar;
	hasRequiredExemplar = 1;

	/**
	 * Class representing an OpenMetrics exemplar.
	 *
	 * @property {object} labelSet
	 * @property {number} value
	 * @property {number} [timestamp]
	 * */
	class Exemplar {
		constructor(labelSet = {}, value = null) {
			this.labelSet = labelSet;
			this.value = value;
		}

		/**
		 * Validation for the label set format.
		 * https://github.com/OpenObservability/OpenMetrics/blob/d99b705f611b75fec8f450b05e344e02eea6921d/specification/OpenMetrics.md#exemplars
		 *
		 * @param {object} labelSet - Exemplar labels.
		 * @throws {RangeError}
		 * @return {void}
		 */
		validateExemplarLabelSet(labelSet) {
			let res = '';
			for (const [labelName, labelValue] of Object.entries(labelSet)) {
				res += `${labelName}${labelValue}`;
			}
			if (res.length > 128) {
				throw new RangeError(
					'Label set size must be smaller than 128 UTF-8 chars',
				);
			}
		}
	}

	exemplar = Exemplar;
	return exemplar;
}

/**
 * Counter metric
 */

var counter;
var hasRequiredCounter;

function requireCounter () {
	if (hasRequiredCounter) return counter;
	hasRequiredCounter = 1;

	const util = require$$0$1;
	const {
		hashObject,
		isObject,
		getLabels,
		removeLabels,
		nowTimestamp,
	} = requireUtil();
	const { validateLabel } = requireValidation();
	const { Metric } = requireMetric$1();
	const Exemplar = requireExemplar();

	class Counter extends Metric {
		constructor(config) {
			super(config);
			this.type = 'counter';
			this.defaultLabels = {};
			this.defaultValue = 1;
			this.defaultExemplarLabelSet = {};
			if (config.enableExemplars) {
				this.enableExemplars = true;
				this.inc = this.incWithExemplar;
			} else {
				this.inc = this.incWithoutExemplar;
			}
		}

		/**
		 * Increment counter
		 * @param {object} labels - What label you want to be incremented
		 * @param {Number} value - Value to increment, if omitted increment with 1
		 * @returns {object} results - object with information about the inc operation
		 * @returns {string} results.labelHash - hash representation of the labels
		 */
		incWithoutExemplar(labels, value) {
			let hash = '';
			if (isObject(labels)) {
				hash = hashObject(labels, this.sortedLabelNames);
				validateLabel(this.labelNames, labels);
			} else {
				value = labels;
				labels = {};
			}

			if (value && !Number.isFinite(value)) {
				throw new TypeError(`Value is not a valid number: ${util.format(value)}`);
			}
			if (value < 0) {
				throw new Error('It is not possible to decrease a counter');
			}

			if (value === null || value === undefined) value = 1;

			setValue(this.hashMap, value, labels, hash);

			return { labelHash: hash };
		}

		/**
		 * Increment counter with exemplar, same as inc but accepts labels for an
		 * exemplar.
		 * If no label is provided the current exemplar labels are kept unchanged
		 * (defaults to empty set).
		 *
		 * @param {object} incOpts - Object with options about what metric to increase
		 * @param {object} incOpts.labels - What label you want to be incremented,
		 *                                  defaults to null (metric with no labels)
		 * @param {Number} incOpts.value - Value to increment, defaults to 1
		 * @param {object} incOpts.exemplarLabels - Key-value  labels for the
		 *                                          exemplar, defaults to empty set {}
		 * @returns {void}
		 */
		incWithExemplar({
			labels = this.defaultLabels,
			value = this.defaultValue,
			exemplarLabels = this.defaultExemplarLabelSet,
		} = {}) {
			const res = this.incWithoutExemplar(labels, value);
			this.updateExemplar(exemplarLabels, value, res.labelHash);
		}

		updateExemplar(exemplarLabels, value, hash) {
			if (exemplarLabels === this.defaultExemplarLabelSet) return;
			if (!isObject(this.hashMap[hash].exemplar)) {
				this.hashMap[hash].exemplar = new Exemplar();
			}
			this.hashMap[hash].exemplar.validateExemplarLabelSet(exemplarLabels);
			this.hashMap[hash].exemplar.labelSet = exemplarLabels;
			this.hashMap[hash].exemplar.value = value ? value : 1;
			this.hashMap[hash].exemplar.timestamp = nowTimestamp();
		}

		/**
		 * Reset counter
		 * @returns {void}
		 */
		reset() {
			this.hashMap = {};
			if (this.labelNames.length === 0) {
				setValue(this.hashMap, 0);
			}
		}

		async get() {
			if (this.collect) {
				const v = this.collect();
				if (v instanceof Promise) await v;
			}

			return {
				help: this.help,
				name: this.name,
				type: this.type,
				values: Object.values(this.hashMap),
				aggregator: this.aggregator,
			};
		}

		labels(...args) {
			const labels = getLabels(this.labelNames, args) || {};
			return {
				inc: this.inc.bind(this, labels),
			};
		}

		remove(...args) {
			const labels = getLabels(this.labelNames, args) || {};
			validateLabel(this.labelNames, labels);
			return removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
		}
	}

	function setValue(hashMap, value, labels = {}, hash = '') {
		if (hashMap[hash]) {
			hashMap[hash].value += value;
		} else {
			hashMap[hash] = { value, labels };
		}
		return hashMap;
	}

	counter = Counter;
	return counter;
}

/**
 * Gauge metric
 */

var gauge;
var hasRequiredGauge;

function requireGauge () {
	if (hasRequiredGauge) return gauge;
	hasRequiredGauge = 1;

	const util = require$$0$1;

	const {
		setValue,
		setValueDelta,
		getLabels,
		hashObject,
		isObject,
		removeLabels,
	} = requireUtil();
	const { validateLabel } = requireValidation();
	const { Metric } = requireMetric$1();

	class Gauge extends Metric {
		constructor(config) {
			super(config);
			this.type = 'gauge';
		}

		/**
		 * Set a gauge to a value
		 * @param {object} labels - Object with labels and their values
		 * @param {Number} value - Value to set the gauge to, must be positive
		 * @returns {void}
		 */
		set(labels, value) {
			value = getValueArg(labels, value);
			labels = getLabelArg(labels);
			set(this, labels, value);
		}

		/**
		 * Reset gauge
		 * @returns {void}
		 */
		reset() {
			this.hashMap = {};
			if (this.labelNames.length === 0) {
				setValue(this.hashMap, 0, {});
			}
		}

		/**
		 * Increment a gauge value
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @param {Number} value - Value to increment - if omitted, increment with 1
		 * @returns {void}
		 */
		inc(labels, value) {
			value = getValueArg(labels, value);
			labels = getLabelArg(labels);
			if (value === undefined) value = 1;
			setDelta(this, labels, value);
		}

		/**
		 * Decrement a gauge value
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @param {Number} value - Value to decrement - if omitted, decrement with 1
		 * @returns {void}
		 */
		dec(labels, value) {
			value = getValueArg(labels, value);
			labels = getLabelArg(labels);
			if (value === undefined) value = 1;
			setDelta(this, labels, -value);
		}

		/**
		 * Set the gauge to current unix epoch
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @returns {void}
		 */
		setToCurrentTime(labels) {
			const now = Date.now() / 1000;
			if (labels === undefined) {
				this.set(now);
			} else {
				this.set(labels, now);
			}
		}

		/**
		 * Start a timer
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @returns {function} - Invoke this function to set the duration in seconds since you started the timer.
		 * @example
		 * var done = gauge.startTimer();
		 * makeXHRRequest(function(err, response) {
		 *	done(); //Duration of the request will be saved
		 * });
		 */
		startTimer(labels) {
			const start = process.hrtime();
			return endLabels => {
				const delta = process.hrtime(start);
				const value = delta[0] + delta[1] / 1e9;
				this.set(Object.assign({}, labels, endLabels), value);
				return value;
			};
		}

		async get() {
			if (this.collect) {
				const v = this.collect();
				if (v instanceof Promise) await v;
			}
			return {
				help: this.help,
				name: this.name,
				type: this.type,
				values: Object.values(this.hashMap),
				aggregator: this.aggregator,
			};
		}

		_getValue(labels) {
			const hash = hashObject(labels || {}, this.sortedLabelNames);
			return this.hashMap[hash] ? this.hashMap[hash].value : 0;
		}

		labels(...args) {
			const labels = getLabels(this.labelNames, args);
			validateLabel(this.labelNames, labels);
			return {
				inc: this.inc.bind(this, labels),
				dec: this.dec.bind(this, labels),
				set: this.set.bind(this, labels),
				setToCurrentTime: this.setToCurrentTime.bind(this, labels),
				startTimer: this.startTimer.bind(this, labels),
			};
		}

		remove(...args) {
			const labels = getLabels(this.labelNames, args);
			validateLabel(this.labelNames, labels);
			removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
		}
	}

	function set(gauge, labels, value) {
		if (typeof value !== 'number') {
			throw new TypeError(`Value is not a valid number: ${util.format(value)}`);
		}

		validateLabel(gauge.labelNames, labels);
		setValue(gauge.hashMap, value, labels);
	}

	function setDelta(gauge, labels, delta) {
		if (typeof delta !== 'number') {
			throw new TypeError(`Delta is not a valid number: ${util.format(delta)}`);
		}

		validateLabel(gauge.labelNames, labels);
		const hash = hashObject(labels, gauge.sortedLabelNames);
		setValueDelta(gauge.hashMap, delta, labels, hash);
	}

	function getLabelArg(labels) {
		return isObject(labels) ? labels : {};
	}

	function getValueArg(labels, value) {
		return isObject(labels) ? value : labels;
	}

	gauge = Gauge;
	return gauge;
}

/**
 * Histogram
 */

var histogram;
var hasRequiredHistogram;

function requireHistogram () {
	if (hasRequiredHistogram) return histogram;
	hasRequiredHistogram = 1;

	const util = require$$0$1;
	const {
		getLabels,
		hashObject,
		isObject,
		removeLabels,
		nowTimestamp,
	} = requireUtil();
	const { validateLabel } = requireValidation();
	const { Metric } = requireMetric$1();
	const Exemplar = requireExemplar();

	class Histogram extends Metric {
		constructor(config) {
			super(config, {
				buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			});

			this.type = 'histogram';
			this.defaultLabels = {};
			this.defaultExemplarLabelSet = {};
			this.enableExemplars = false;

			for (const label of this.labelNames) {
				if (label === 'le') {
					throw new Error('le is a reserved label keyword');
				}
			}

			this.upperBounds = this.buckets;
			this.bucketValues = this.upperBounds.reduce((acc, upperBound) => {
				acc[upperBound] = 0;
				return acc;
			}, {});

			if (config.enableExemplars) {
				this.enableExemplars = true;
				this.bucketExemplars = this.upperBounds.reduce((acc, upperBound) => {
					acc[upperBound] = null;
					return acc;
				}, {});
				Object.freeze(this.bucketExemplars);
				this.observe = this.observeWithExemplar;
			} else {
				this.observe = this.observeWithoutExemplar;
			}

			Object.freeze(this.bucketValues);
			Object.freeze(this.upperBounds);

			if (this.labelNames.length === 0) {
				this.hashMap = {
					[hashObject({})]: createBaseValues(
						{},
						this.bucketValues,
						this.bucketExemplars,
					),
				};
			}
		}

		/**
		 * Observe a value in histogram
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @param {Number} value - Value to observe in the histogram
		 * @returns {void}
		 */
		observeWithoutExemplar(labels, value) {
			observe.call(this, labels === 0 ? 0 : labels || {})(value);
		}

		observeWithExemplar({
			labels = this.defaultLabels,
			value,
			exemplarLabels = this.defaultExemplarLabelSet,
		} = {}) {
			observe.call(this, labels === 0 ? 0 : labels || {})(value);
			this.updateExemplar(labels, value, exemplarLabels);
		}

		updateExemplar(labels, value, exemplarLabels) {
			if (Object.keys(exemplarLabels).length === 0) return;
			const hash = hashObject(labels, this.sortedLabelNames);
			const bound = findBound(this.upperBounds, value);
			const { bucketExemplars } = this.hashMap[hash];
			let exemplar = bucketExemplars[bound];
			if (!isObject(exemplar)) {
				exemplar = new Exemplar();
				bucketExemplars[bound] = exemplar;
			}
			exemplar.validateExemplarLabelSet(exemplarLabels);
			exemplar.labelSet = exemplarLabels;
			exemplar.value = value;
			exemplar.timestamp = nowTimestamp();
		}

		async get() {
			const data = await this.getForPromString();
			data.values = data.values.map(splayLabels);
			return data;
		}

		async getForPromString() {
			if (this.collect) {
				const v = this.collect();
				if (v instanceof Promise) await v;
			}
			const data = Object.values(this.hashMap);
			const values = data
				.map(extractBucketValuesForExport(this))
				.reduce(addSumAndCountForExport(this), []);

			return {
				name: this.name,
				help: this.help,
				type: this.type,
				values,
				aggregator: this.aggregator,
			};
		}

		reset() {
			this.hashMap = {};
		}

		/**
		 * Initialize the metrics for the given combination of labels to zero
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @returns {void}
		 */
		zero(labels) {
			const hash = hashObject(labels, this.sortedLabelNames);
			this.hashMap[hash] = createBaseValues(
				labels,
				this.bucketValues,
				this.bucketExemplars,
			);
		}

		/**
		 * Start a timer that could be used to logging durations
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @param {object} exemplarLabels - Object with labels for exemplar where key is the label key and value is label value. Can only be one level deep
		 * @returns {function} - Function to invoke when you want to stop the timer and observe the duration in seconds
		 * @example
		 * var end = histogram.startTimer();
		 * makeExpensiveXHRRequest(function(err, res) {
		 * 	const duration = end(); //Observe the duration of expensiveXHRRequest and returns duration in seconds
		 * 	console.log('Duration', duration);
		 * });
		 */
		startTimer(labels, exemplarLabels) {
			return this.enableExemplars
				? startTimerWithExemplar.call(this, labels, exemplarLabels)()
				: startTimer.call(this, labels)();
		}

		labels(...args) {
			const labels = getLabels(this.labelNames, args);
			validateLabel(this.labelNames, labels);
			return {
				observe: observe.call(this, labels),
				startTimer: startTimer.call(this, labels),
			};
		}

		remove(...args) {
			const labels = getLabels(this.labelNames, args);
			validateLabel(this.labelNames, labels);
			removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
		}
	}

	function startTimer(startLabels) {
		return () => {
			const start = process.hrtime();
			return endLabels => {
				const delta = process.hrtime(start);
				const value = delta[0] + delta[1] / 1e9;
				this.observe(Object.assign({}, startLabels, endLabels), value);
				return value;
			};
		};
	}

	function startTimerWithExemplar(startLabels, startExemplarLabels) {
		return () => {
			const start = process.hrtime();
			return (endLabels, endExemplarLabels) => {
				const delta = process.hrtime(start);
				const value = delta[0] + delta[1] / 1e9;
				this.observe({
					labels: Object.assign({}, startLabels, endLabels),
					value,
					exemplarLabels: Object.assign(
						{},
						startExemplarLabels,
						endExemplarLabels,
					),
				});
				return value;
			};
		};
	}

	function setValuePair(labels, value, metricName, exemplar, sharedLabels = {}) {
		return {
			labels,
			sharedLabels,
			value,
			metricName,
			exemplar,
		};
	}

	function findBound(upperBounds, value) {
		for (let i = 0; i < upperBounds.length; i++) {
			const bound = upperBounds[i];
			if (value <= bound) {
				return bound;
			}
		}
		return -1;
	}

	function observe(labels) {
		return value => {
			const labelValuePair = convertLabelsAndValues(labels, value);

			validateLabel(this.labelNames, labelValuePair.labels);
			if (!Number.isFinite(labelValuePair.value)) {
				throw new TypeError(
					`Value is not a valid number: ${util.format(labelValuePair.value)}`,
				);
			}

			const hash = hashObject(labelValuePair.labels, this.sortedLabelNames);
			let valueFromMap = this.hashMap[hash];
			if (!valueFromMap) {
				valueFromMap = createBaseValues(
					labelValuePair.labels,
					this.bucketValues,
					this.bucketExemplars,
				);
			}

			const b = findBound(this.upperBounds, labelValuePair.value);

			valueFromMap.sum += labelValuePair.value;
			valueFromMap.count += 1;

			if (Object.prototype.hasOwnProperty.call(valueFromMap.bucketValues, b)) {
				valueFromMap.bucketValues[b] += 1;
			}

			this.hashMap[hash] = valueFromMap;
		};
	}

	function createBaseValues(labels, bucketValues, bucketExemplars) {
		const result = {
			labels,
			bucketValues: { ...bucketValues },
			sum: 0,
			count: 0,
		};
		if (bucketExemplars) {
			result.bucketExemplars = { ...bucketExemplars };
		}
		return result;
	}

	function convertLabelsAndValues(labels, value) {
		return isObject(labels)
			? {
					labels,
					value,
				}
			: {
					value: labels,
					labels: {},
				};
	}

	function extractBucketValuesForExport(histogram) {
		const name = `${histogram.name}_bucket`;
		return bucketData => {
			let acc = 0;
			const buckets = histogram.upperBounds.map(upperBound => {
				acc += bucketData.bucketValues[upperBound];
				return setValuePair(
					{ le: upperBound },
					acc,
					name,
					bucketData.bucketExemplars
						? bucketData.bucketExemplars[upperBound]
						: null,
					bucketData.labels,
				);
			});
			return { buckets, data: bucketData };
		};
	}

	function addSumAndCountForExport(histogram) {
		return (acc, d) => {
			acc.push(...d.buckets);

			const infLabel = { le: '+Inf' };
			acc.push(
				setValuePair(
					infLabel,
					d.data.count,
					`${histogram.name}_bucket`,
					d.data.bucketExemplars ? d.data.bucketExemplars['-1'] : null,
					d.data.labels,
				),
				setValuePair(
					{},
					d.data.sum,
					`${histogram.name}_sum`,
					undefined,
					d.data.labels,
				),
				setValuePair(
					{},
					d.data.count,
					`${histogram.name}_count`,
					undefined,
					d.data.labels,
				),
			);
			return acc;
		};
	}

	function splayLabels(bucket) {
		const { sharedLabels, labels, ...newBucket } = bucket;
		for (const label of Object.keys(sharedLabels)) {
			labels[label] = sharedLabels[label];
		}
		newBucket.labels = labels;
		return newBucket;
	}

	histogram = Histogram;
	return histogram;
}

var treebase;
var hasRequiredTreebase;

function requireTreebase () {
	if (hasRequiredTreebase) return treebase;
	hasRequiredTreebase = 1;
	function TreeBase() {}

	// removes all nodes from the tree
	TreeBase.prototype.clear = function() {
	    this._root = null;
	    this.size = 0;
	};

	// returns node data if found, null otherwise
	TreeBase.prototype.find = function(data) {
	    var res = this._root;

	    while(res !== null) {
	        var c = this._comparator(data, res.data);
	        if(c === 0) {
	            return res.data;
	        }
	        else {
	            res = res.get_child(c > 0);
	        }
	    }

	    return null;
	};

	// returns iterator to node if found, null otherwise
	TreeBase.prototype.findIter = function(data) {
	    var res = this._root;
	    var iter = this.iterator();

	    while(res !== null) {
	        var c = this._comparator(data, res.data);
	        if(c === 0) {
	            iter._cursor = res;
	            return iter;
	        }
	        else {
	            iter._ancestors.push(res);
	            res = res.get_child(c > 0);
	        }
	    }

	    return null;
	};

	// Returns an iterator to the tree node at or immediately after the item
	TreeBase.prototype.lowerBound = function(item) {
	    var cur = this._root;
	    var iter = this.iterator();
	    var cmp = this._comparator;

	    while(cur !== null) {
	        var c = cmp(item, cur.data);
	        if(c === 0) {
	            iter._cursor = cur;
	            return iter;
	        }
	        iter._ancestors.push(cur);
	        cur = cur.get_child(c > 0);
	    }

	    for(var i=iter._ancestors.length - 1; i >= 0; --i) {
	        cur = iter._ancestors[i];
	        if(cmp(item, cur.data) < 0) {
	            iter._cursor = cur;
	            iter._ancestors.length = i;
	            return iter;
	        }
	    }

	    iter._ancestors.length = 0;
	    return iter;
	};

	// Returns an iterator to the tree node immediately after the item
	TreeBase.prototype.upperBound = function(item) {
	    var iter = this.lowerBound(item);
	    var cmp = this._comparator;

	    while(iter.data() !== null && cmp(iter.data(), item) === 0) {
	        iter.next();
	    }

	    return iter;
	};

	// returns null if tree is empty
	TreeBase.prototype.min = function() {
	    var res = this._root;
	    if(res === null) {
	        return null;
	    }

	    while(res.left !== null) {
	        res = res.left;
	    }

	    return res.data;
	};

	// returns null if tree is empty
	TreeBase.prototype.max = function() {
	    var res = this._root;
	    if(res === null) {
	        return null;
	    }

	    while(res.right !== null) {
	        res = res.right;
	    }

	    return res.data;
	};

	// returns a null iterator
	// call next() or prev() to point to an element
	TreeBase.prototype.iterator = function() {
	    return new Iterator(this);
	};

	// calls cb on each node's data, in order
	TreeBase.prototype.each = function(cb) {
	    var it=this.iterator(), data;
	    while((data = it.next()) !== null) {
	        if(cb(data) === false) {
	            return;
	        }
	    }
	};

	// calls cb on each node's data, in reverse order
	TreeBase.prototype.reach = function(cb) {
	    var it=this.iterator(), data;
	    while((data = it.prev()) !== null) {
	        if(cb(data) === false) {
	            return;
	        }
	    }
	};


	function Iterator(tree) {
	    this._tree = tree;
	    this._ancestors = [];
	    this._cursor = null;
	}

	Iterator.prototype.data = function() {
	    return this._cursor !== null ? this._cursor.data : null;
	};

	// if null-iterator, returns first node
	// otherwise, returns next node
	Iterator.prototype.next = function() {
	    if(this._cursor === null) {
	        var root = this._tree._root;
	        if(root !== null) {
	            this._minNode(root);
	        }
	    }
	    else {
	        if(this._cursor.right === null) {
	            // no greater node in subtree, go up to parent
	            // if coming from a right child, continue up the stack
	            var save;
	            do {
	                save = this._cursor;
	                if(this._ancestors.length) {
	                    this._cursor = this._ancestors.pop();
	                }
	                else {
	                    this._cursor = null;
	                    break;
	                }
	            } while(this._cursor.right === save);
	        }
	        else {
	            // get the next node from the subtree
	            this._ancestors.push(this._cursor);
	            this._minNode(this._cursor.right);
	        }
	    }
	    return this._cursor !== null ? this._cursor.data : null;
	};

	// if null-iterator, returns last node
	// otherwise, returns previous node
	Iterator.prototype.prev = function() {
	    if(this._cursor === null) {
	        var root = this._tree._root;
	        if(root !== null) {
	            this._maxNode(root);
	        }
	    }
	    else {
	        if(this._cursor.left === null) {
	            var save;
	            do {
	                save = this._cursor;
	                if(this._ancestors.length) {
	                    this._cursor = this._ancestors.pop();
	                }
	                else {
	                    this._cursor = null;
	                    break;
	                }
	            } while(this._cursor.left === save);
	        }
	        else {
	            this._ancestors.push(this._cursor);
	            this._maxNode(this._cursor.left);
	        }
	    }
	    return this._cursor !== null ? this._cursor.data : null;
	};

	Iterator.prototype._minNode = function(start) {
	    while(start.left !== null) {
	        this._ancestors.push(start);
	        start = start.left;
	    }
	    this._cursor = start;
	};

	Iterator.prototype._maxNode = function(start) {
	    while(start.right !== null) {
	        this._ancestors.push(start);
	        start = start.right;
	    }
	    this._cursor = start;
	};

	treebase = TreeBase;
	return treebase;
}

var rbtree;
var hasRequiredRbtree;

function requireRbtree () {
	if (hasRequiredRbtree) return rbtree;
	hasRequiredRbtree = 1;
	var TreeBase = requireTreebase();

	function Node(data) {
	    this.data = data;
	    this.left = null;
	    this.right = null;
	    this.red = true;
	}

	Node.prototype.get_child = function(dir) {
	    return dir ? this.right : this.left;
	};

	Node.prototype.set_child = function(dir, val) {
	    if(dir) {
	        this.right = val;
	    }
	    else {
	        this.left = val;
	    }
	};

	function RBTree(comparator) {
	    this._root = null;
	    this._comparator = comparator;
	    this.size = 0;
	}

	RBTree.prototype = new TreeBase();

	// returns true if inserted, false if duplicate
	RBTree.prototype.insert = function(data) {
	    var ret = false;

	    if(this._root === null) {
	        // empty tree
	        this._root = new Node(data);
	        ret = true;
	        this.size++;
	    }
	    else {
	        var head = new Node(undefined); // fake tree root

	        var dir = 0;
	        var last = 0;

	        // setup
	        var gp = null; // grandparent
	        var ggp = head; // grand-grand-parent
	        var p = null; // parent
	        var node = this._root;
	        ggp.right = this._root;

	        // search down
	        while(true) {
	            if(node === null) {
	                // insert new node at the bottom
	                node = new Node(data);
	                p.set_child(dir, node);
	                ret = true;
	                this.size++;
	            }
	            else if(is_red(node.left) && is_red(node.right)) {
	                // color flip
	                node.red = true;
	                node.left.red = false;
	                node.right.red = false;
	            }

	            // fix red violation
	            if(is_red(node) && is_red(p)) {
	                var dir2 = ggp.right === gp;

	                if(node === p.get_child(last)) {
	                    ggp.set_child(dir2, single_rotate(gp, !last));
	                }
	                else {
	                    ggp.set_child(dir2, double_rotate(gp, !last));
	                }
	            }

	            var cmp = this._comparator(node.data, data);

	            // stop if found
	            if(cmp === 0) {
	                break;
	            }

	            last = dir;
	            dir = cmp < 0;

	            // update helpers
	            if(gp !== null) {
	                ggp = gp;
	            }
	            gp = p;
	            p = node;
	            node = node.get_child(dir);
	        }

	        // update root
	        this._root = head.right;
	    }

	    // make root black
	    this._root.red = false;

	    return ret;
	};

	// returns true if removed, false if not found
	RBTree.prototype.remove = function(data) {
	    if(this._root === null) {
	        return false;
	    }

	    var head = new Node(undefined); // fake tree root
	    var node = head;
	    node.right = this._root;
	    var p = null; // parent
	    var gp = null; // grand parent
	    var found = null; // found item
	    var dir = 1;

	    while(node.get_child(dir) !== null) {
	        var last = dir;

	        // update helpers
	        gp = p;
	        p = node;
	        node = node.get_child(dir);

	        var cmp = this._comparator(data, node.data);

	        dir = cmp > 0;

	        // save found node
	        if(cmp === 0) {
	            found = node;
	        }

	        // push the red node down
	        if(!is_red(node) && !is_red(node.get_child(dir))) {
	            if(is_red(node.get_child(!dir))) {
	                var sr = single_rotate(node, dir);
	                p.set_child(last, sr);
	                p = sr;
	            }
	            else if(!is_red(node.get_child(!dir))) {
	                var sibling = p.get_child(!last);
	                if(sibling !== null) {
	                    if(!is_red(sibling.get_child(!last)) && !is_red(sibling.get_child(last))) {
	                        // color flip
	                        p.red = false;
	                        sibling.red = true;
	                        node.red = true;
	                    }
	                    else {
	                        var dir2 = gp.right === p;

	                        if(is_red(sibling.get_child(last))) {
	                            gp.set_child(dir2, double_rotate(p, last));
	                        }
	                        else if(is_red(sibling.get_child(!last))) {
	                            gp.set_child(dir2, single_rotate(p, last));
	                        }

	                        // ensure correct coloring
	                        var gpc = gp.get_child(dir2);
	                        gpc.red = true;
	                        node.red = true;
	                        gpc.left.red = false;
	                        gpc.right.red = false;
	                    }
	                }
	            }
	        }
	    }

	    // replace and remove if found
	    if(found !== null) {
	        found.data = node.data;
	        p.set_child(p.right === node, node.get_child(node.left === null));
	        this.size--;
	    }

	    // update root and make it black
	    this._root = head.right;
	    if(this._root !== null) {
	        this._root.red = false;
	    }

	    return found !== null;
	};

	function is_red(node) {
	    return node !== null && node.red;
	}

	function single_rotate(root, dir) {
	    var save = root.get_child(!dir);

	    root.set_child(!dir, save.get_child(dir));
	    save.set_child(dir, root);

	    root.red = true;
	    save.red = false;

	    return save;
	}

	function double_rotate(root, dir) {
	    root.set_child(!dir, single_rotate(root.get_child(!dir), !dir));
	    return single_rotate(root, dir);
	}

	rbtree = RBTree;
	return rbtree;
}

var bintree;
var hasRequiredBintree;

function requireBintree () {
	if (hasRequiredBintree) return bintree;
	hasRequiredBintree = 1;
	var TreeBase = requireTreebase();

	function Node(data) {
	    this.data = data;
	    this.left = null;
	    this.right = null;
	}

	Node.prototype.get_child = function(dir) {
	    return dir ? this.right : this.left;
	};

	Node.prototype.set_child = function(dir, val) {
	    if(dir) {
	        this.right = val;
	    }
	    else {
	        this.left = val;
	    }
	};

	function BinTree(comparator) {
	    this._root = null;
	    this._comparator = comparator;
	    this.size = 0;
	}

	BinTree.prototype = new TreeBase();

	// returns true if inserted, false if duplicate
	BinTree.prototype.insert = function(data) {
	    if(this._root === null) {
	        // empty tree
	        this._root = new Node(data);
	        this.size++;
	        return true;
	    }

	    var dir = 0;

	    // setup
	    var p = null; // parent
	    var node = this._root;

	    // search down
	    while(true) {
	        if(node === null) {
	            // insert new node at the bottom
	            node = new Node(data);
	            p.set_child(dir, node);
	            ret = true;
	            this.size++;
	            return true;
	        }

	        // stop if found
	        if(this._comparator(node.data, data) === 0) {
	            return false;
	        }

	        dir = this._comparator(node.data, data) < 0;

	        // update helpers
	        p = node;
	        node = node.get_child(dir);
	    }
	};

	// returns true if removed, false if not found
	BinTree.prototype.remove = function(data) {
	    if(this._root === null) {
	        return false;
	    }

	    var head = new Node(undefined); // fake tree root
	    var node = head;
	    node.right = this._root;
	    var p = null; // parent
	    var found = null; // found item
	    var dir = 1;

	    while(node.get_child(dir) !== null) {
	        p = node;
	        node = node.get_child(dir);
	        var cmp = this._comparator(data, node.data);
	        dir = cmp > 0;

	        if(cmp === 0) {
	            found = node;
	        }
	    }

	    if(found !== null) {
	        found.data = node.data;
	        p.set_child(p.right === node, node.get_child(node.left === null));

	        this._root = head.right;
	        this.size--;
	        return true;
	    }
	    else {
	        return false;
	    }
	};

	bintree = BinTree;
	return bintree;
}

var bintrees;
var hasRequiredBintrees;

function requireBintrees () {
	if (hasRequiredBintrees) return bintrees;
	hasRequiredBintrees = 1;
	bintrees = {
	    RBTree: requireRbtree(),
	    BinTree: requireBintree()
	};
	return bintrees;
}

var tdigest;
var hasRequiredTdigest;

function requireTdigest () {
	if (hasRequiredTdigest) return tdigest;
	hasRequiredTdigest = 1;
	//
	// TDigest:
	//
	// approximate distribution percentiles from a stream of reals
	//
	var RBTree = requireBintrees().RBTree;

	function TDigest(delta, K, CX) {
	    // allocate a TDigest structure.
	    //
	    // delta is the compression factor, the max fraction of mass that
	    // can be owned by one centroid (bigger, up to 1.0, means more
	    // compression). delta=false switches off TDigest behavior and treats
	    // the distribution as discrete, with no merging and exact values
	    // reported.
	    //
	    // K is a size threshold that triggers recompression as the TDigest
	    // grows during input.  (Set it to 0 to disable automatic recompression)
	    //
	    // CX specifies how often to update cached cumulative totals used
	    // for quantile estimation during ingest (see cumulate()).  Set to
	    // 0 to use exact quantiles for each new point.
	    //
	    this.discrete = (delta === false);
	    this.delta = delta || 0.01;
	    this.K = (K === undefined) ? 25 : K;
	    this.CX = (CX === undefined) ? 1.1 : CX;
	    this.centroids = new RBTree(compare_centroid_means);
	    this.nreset = 0;
	    this.reset();
	}

	TDigest.prototype.reset = function() {
	    // prepare to digest new points.
	    //
	    this.centroids.clear();
	    this.n = 0;
	    this.nreset += 1;
	    this.last_cumulate = 0;
	};

	TDigest.prototype.size = function() {
	    return this.centroids.size;
	};

	TDigest.prototype.toArray = function(everything) {
	    // return {mean,n} of centroids as an array ordered by mean.
	    //
	    var result = [];
	    if (everything) {
	        this._cumulate(true); // be sure cumns are exact
	        this.centroids.each(function(c) { result.push(c); });
	    } else {
	        this.centroids.each(function(c) { result.push({mean:c.mean, n:c.n}); });
	    }
	    return result;
	};

	TDigest.prototype.summary = function() {
	    var approx = (this.discrete) ? "exact " : "approximating ";
	    var s = [approx + this.n + " samples using " + this.size() + " centroids",
	             "min = "+this.percentile(0),
	             "Q1  = "+this.percentile(0.25),
	             "Q2  = "+this.percentile(0.5),
	             "Q3  = "+this.percentile(0.75),
	             "max = "+this.percentile(1.0)];
	    return s.join('\n');
	};

	function compare_centroid_means(a, b) {
	    // order two centroids by mean.
	    //
	    return (a.mean > b.mean) ? 1 : (a.mean < b.mean) ? -1 : 0;
	}

	function compare_centroid_mean_cumns(a, b) {
	    // order two centroids by mean_cumn.
	    //
	    return (a.mean_cumn - b.mean_cumn);
	}

	TDigest.prototype.push = function(x, n) {
	    // incorporate value or array of values x, having count n into the
	    // TDigest. n defaults to 1.
	    //
	    n = n || 1;
	    x = Array.isArray(x) ? x : [x];
	    for (var i = 0 ; i < x.length ; i++) {
	        this._digest(x[i], n);
	    }
	};

	TDigest.prototype.push_centroid = function(c) {
	    // incorporate centroid or array of centroids c
	    //
	    c = Array.isArray(c) ? c : [c];
	    for (var i = 0 ; i < c.length ; i++) {
	        this._digest(c[i].mean, c[i].n);
	    }
	};

	TDigest.prototype._cumulate = function(exact) {
	    // update cumulative counts for each centroid
	    //
	    // exact: falsey means only cumulate after sufficient
	    // growth. During ingest, these counts are used as quantile
	    // estimates, and they work well even when somewhat out of
	    // date. (this is a departure from the publication, you may set CX
	    // to 0 to disable).
	    //
	    if (this.n === this.last_cumulate ||
	        !exact && this.CX && this.CX > (this.n / this.last_cumulate)) {
	        return;
	    }
	    var cumn = 0;
	    this.centroids.each(function(c) {
	        c.mean_cumn = cumn + c.n / 2; // half of n at the mean
	        cumn = c.cumn = cumn + c.n;
	    });
	    this.n = this.last_cumulate = cumn;
	};

	TDigest.prototype.find_nearest = function(x) {
	    // find the centroid closest to x. The assumption of
	    // unique means and a unique nearest centroid departs from the
	    // paper, see _digest() below
	    //
	    if (this.size() === 0) {
	        return null;
	    }
	    var iter = this.centroids.lowerBound({mean:x}); // x <= iter || iter==null
	    var c = (iter.data() === null) ? iter.prev() : iter.data();
	    if (c.mean === x || this.discrete) {
	        return c; // c is either x or a neighbor (discrete: no distance func)
	    }
	    var prev = iter.prev();
	    if (prev && Math.abs(prev.mean - x) < Math.abs(c.mean - x)) {
	        return prev;
	    } else {
	        return c;
	    }
	};

	TDigest.prototype._new_centroid = function(x, n, cumn) {
	    // create and insert a new centroid into the digest (don't update
	    // cumulatives).
	    //
	    var c = {mean:x, n:n, cumn:cumn};
	    this.centroids.insert(c);
	    this.n += n;
	    return c;
	};

	TDigest.prototype._addweight = function(nearest, x, n) {
	    // add weight at location x to nearest centroid.  adding x to
	    // nearest will not shift its relative position in the tree and
	    // require reinsertion.
	    //
	    if (x !== nearest.mean) {
	        nearest.mean += n * (x - nearest.mean) / (nearest.n + n);
	    }
	    nearest.cumn += n;
	    nearest.mean_cumn += n / 2;
	    nearest.n += n;
	    this.n += n;
	};

	TDigest.prototype._digest = function(x, n) {
	    // incorporate value x, having count n into the TDigest.
	    //
	    var min = this.centroids.min();
	    var max = this.centroids.max();
	    var nearest = this.find_nearest(x);
	    if (nearest && nearest.mean === x) {
	        // accumulate exact matches into the centroid without
	        // limit. this is a departure from the paper, made so
	        // centroids remain unique and code can be simple.
	        this._addweight(nearest, x, n);
	    } else if (nearest === min) {
	        this._new_centroid(x, n, 0); // new point around min boundary
	    } else if (nearest === max ) {
	        this._new_centroid(x, n, this.n); // new point around max boundary
	    } else if (this.discrete) {
	        this._new_centroid(x, n, nearest.cumn); // never merge
	    } else {
	        // conider a merge based on nearest centroid's capacity. if
	        // there's not room for all of n, don't bother merging any of
	        // it into nearest, as we'll have to make a new centroid
	        // anyway for the remainder (departure from the paper).
	        var p = nearest.mean_cumn / this.n;
	        var max_n = Math.floor(4 * this.n * this.delta * p * (1 - p));
	        if (max_n - nearest.n >= n) {
	            this._addweight(nearest, x, n);
	        } else {
	            this._new_centroid(x, n, nearest.cumn);
	        }
	    }
	    this._cumulate(false);
	    if (!this.discrete && this.K && this.size() > this.K / this.delta) {
	        // re-process the centroids and hope for some compression.
	        this.compress();
	    }
	};

	TDigest.prototype.bound_mean = function(x) {
	    // find centroids lower and upper such that lower.mean < x <
	    // upper.mean or lower.mean === x === upper.mean. Don't call
	    // this for x out of bounds.
	    //
	    var iter = this.centroids.upperBound({mean:x}); // x < iter
	    var lower = iter.prev();      // lower <= x
	    var upper = (lower.mean === x) ? lower : iter.next();
	    return [lower, upper];
	};

	TDigest.prototype.p_rank = function(x_or_xlist) {
	    // return approximate percentile-ranks (0..1) for data value x.
	    // or list of x.  calculated according to
	    // https://en.wikipedia.org/wiki/Percentile_rank
	    //
	    // (Note that in continuous mode, boundary sample values will
	    // report half their centroid weight inward from 0/1 as the
	    // percentile-rank. X values outside the observed range return
	    // 0/1)
	    //
	    // this triggers cumulate() if cumn's are out of date.
	    //
	    var xs = Array.isArray(x_or_xlist) ? x_or_xlist : [x_or_xlist];
	    var ps = xs.map(this._p_rank, this);
	    return Array.isArray(x_or_xlist) ? ps : ps[0];
	};

	TDigest.prototype._p_rank = function(x) {
	    if (this.size() === 0) {
	        return undefined;
	    } else if (x < this.centroids.min().mean) {
	        return 0.0;
	    } else if (x > this.centroids.max().mean) {
	        return 1.0;
	    }
	    // find centroids that bracket x and interpolate x's cumn from
	    // their cumn's.
	    this._cumulate(true); // be sure cumns are exact
	    var bound = this.bound_mean(x);
	    var lower = bound[0], upper = bound[1];
	    if (this.discrete) {
	        return lower.cumn / this.n;
	    } else {
	        var cumn = lower.mean_cumn;
	        if (lower !== upper) {
	            cumn += (x - lower.mean) * (upper.mean_cumn - lower.mean_cumn) / (upper.mean - lower.mean);
	        }
	        return cumn / this.n;
	    }
	};

	TDigest.prototype.bound_mean_cumn = function(cumn) {
	    // find centroids lower and upper such that lower.mean_cumn < x <
	    // upper.mean_cumn or lower.mean_cumn === x === upper.mean_cumn. Don't call
	    // this for cumn out of bounds.
	    //
	    // XXX because mean and mean_cumn give rise to the same sort order
	    // (up to identical means), use the mean rbtree for our search.
	    this.centroids._comparator = compare_centroid_mean_cumns;
	    var iter = this.centroids.upperBound({mean_cumn:cumn}); // cumn < iter
	    this.centroids._comparator = compare_centroid_means;
	    var lower = iter.prev();      // lower <= cumn
	    var upper = (lower && lower.mean_cumn === cumn) ? lower : iter.next();
	    return [lower, upper];
	};

	TDigest.prototype.percentile = function(p_or_plist) {
	    // for percentage p (0..1), or for each p in a list of ps, return
	    // the smallest data value q at which at least p percent of the
	    // observations <= q.
	    //
	    // for discrete distributions, this selects q using the Nearest
	    // Rank Method
	    // (https://en.wikipedia.org/wiki/Percentile#The_Nearest_Rank_method)
	    // (in scipy, same as percentile(...., interpolation='higher')
	    //
	    // for continuous distributions, interpolates data values between
	    // count-weighted bracketing means.
	    //
	    // this triggers cumulate() if cumn's are out of date.
	    //
	    var ps = Array.isArray(p_or_plist) ? p_or_plist : [p_or_plist];
	    var qs = ps.map(this._percentile, this);
	    return Array.isArray(p_or_plist) ? qs : qs[0];
	};

	TDigest.prototype._percentile = function(p) {
	    if (this.size() === 0) {
	        return undefined;
	    }
	    this._cumulate(true); // be sure cumns are exact
	    var h = this.n * p;
	    var bound = this.bound_mean_cumn(h);
	    var lower = bound[0], upper = bound[1];

	    if (upper === lower || lower === null || upper === null) {
	        return (lower || upper).mean;
	    } else if (!this.discrete) {
	        return lower.mean + (h - lower.mean_cumn) * (upper.mean - lower.mean) / (upper.mean_cumn - lower.mean_cumn);
	    } else if (h <= lower.cumn) {
	        return lower.mean;
	    } else {
	        return upper.mean;
	    }
	};

	function pop_random(choices) {
	    // remove and return an item randomly chosen from the array of choices
	    // (mutates choices)
	    //
	    var idx = Math.floor(Math.random() * choices.length);
	    return choices.splice(idx, 1)[0];
	}

	TDigest.prototype.compress = function() {
	    // TDigests experience worst case compression (none) when input
	    // increases monotonically.  Improve on any bad luck by
	    // reconsuming digest centroids as if they were weighted points
	    // while shuffling their order (and hope for the best).
	    //
	    if (this.compressing) {
	        return;
	    }
	    var points = this.toArray();
	    this.reset();
	    this.compressing = true;
	    while (points.length > 0) {
	        this.push_centroid(pop_random(points));
	    }
	    this._cumulate(true);
	    this.compressing = false;
	};

	function Digest(config) {
	    // allocate a distribution digest structure. This is an extension
	    // of a TDigest structure that starts in exact histogram (discrete)
	    // mode, and automatically switches to TDigest mode for large
	    // samples that appear to be from a continuous distribution.
	    //
	    this.config = config || {};
	    this.mode = this.config.mode || 'auto'; // disc, cont, auto
	    TDigest.call(this, this.mode === 'cont' ? config.delta : false);
	    this.digest_ratio = this.config.ratio || 0.9;
	    this.digest_thresh = this.config.thresh || 1000;
	    this.n_unique = 0;
	}
	Digest.prototype = Object.create(TDigest.prototype);
	Digest.prototype.constructor = Digest;

	Digest.prototype.push = function(x_or_xlist) {
	    TDigest.prototype.push.call(this, x_or_xlist);
	    this.check_continuous();
	};

	Digest.prototype._new_centroid = function(x, n, cumn) {
	    this.n_unique += 1;
	    TDigest.prototype._new_centroid.call(this, x, n, cumn);
	};

	Digest.prototype._addweight = function(nearest, x, n) {
	    if (nearest.n === 1) {
	        this.n_unique -= 1;
	    }
	    TDigest.prototype._addweight.call(this, nearest, x, n);
	};

	Digest.prototype.check_continuous = function() {
	    // while in 'auto' mode, if there are many unique elements, assume
	    // they are from a continuous distribution and switch to 'cont'
	    // mode (tdigest behavior). Return true on transition from
	    // disctete to continuous.
	    if (this.mode !== 'auto' || this.size() < this.digest_thresh) {
	        return false;
	    }
	    if (this.n_unique / this.size() > this.digest_ratio) {
	        this.mode = 'cont';
	        this.discrete = false;
	        this.delta = this.config.delta || 0.01;
	        this.compress();
	        return true;
	    }
	    return false;
	};

	tdigest = {
	    'TDigest': TDigest,
	    'Digest': Digest
	};
	return tdigest;
}

var timeWindowQuantiles;
var hasRequiredTimeWindowQuantiles;

function requireTimeWindowQuantiles () {
	if (hasRequiredTimeWindowQuantiles) return timeWindowQuantiles;
	hasRequiredTimeWindowQuantiles = 1;

	const { TDigest } = requireTdigest();

	class TimeWindowQuantiles {
		constructor(maxAgeSeconds, ageBuckets) {
			this.maxAgeSeconds = maxAgeSeconds || 0;
			this.ageBuckets = ageBuckets || 0;

			this.shouldRotate = maxAgeSeconds && ageBuckets;

			this.ringBuffer = Array(ageBuckets).fill(new TDigest());
			this.currentBuffer = 0;

			this.lastRotateTimestampMillis = Date.now();
			this.durationBetweenRotatesMillis =
				(maxAgeSeconds * 1000) / ageBuckets || Infinity;
		}

		size() {
			const bucket = rotate.call(this);
			return bucket.size();
		}

		percentile(quantile) {
			const bucket = rotate.call(this);
			return bucket.percentile(quantile);
		}

		push(value) {
			rotate.call(this);
			this.ringBuffer.forEach(bucket => {
				bucket.push(value);
			});
		}

		reset() {
			this.ringBuffer.forEach(bucket => {
				bucket.reset();
			});
		}

		compress() {
			this.ringBuffer.forEach(bucket => {
				bucket.compress();
			});
		}
	}

	function rotate() {
		let timeSinceLastRotateMillis = Date.now() - this.lastRotateTimestampMillis;
		while (
			timeSinceLastRotateMillis > this.durationBetweenRotatesMillis &&
			this.shouldRotate
		) {
			this.ringBuffer[this.currentBuffer] = new TDigest();

			if (++this.currentBuffer >= this.ringBuffer.length) {
				this.currentBuffer = 0;
			}
			timeSinceLastRotateMillis -= this.durationBetweenRotatesMillis;
			this.lastRotateTimestampMillis += this.durationBetweenRotatesMillis;
		}
		return this.ringBuffer[this.currentBuffer];
	}

	timeWindowQuantiles = TimeWindowQuantiles;
	return timeWindowQuantiles;
}

/**
 * Summary
 */

var summary;
var hasRequiredSummary;

function requireSummary () {
	if (hasRequiredSummary) return summary;
	hasRequiredSummary = 1;

	const util = require$$0$1;
	const { getLabels, hashObject, removeLabels } = requireUtil();
	const { validateLabel } = requireValidation();
	const { Metric } = requireMetric$1();
	const timeWindowQuantiles = requireTimeWindowQuantiles();

	const DEFAULT_COMPRESS_COUNT = 1000; // every 1000 measurements

	class Summary extends Metric {
		constructor(config) {
			super(config, {
				percentiles: [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999],
				compressCount: DEFAULT_COMPRESS_COUNT,
				hashMap: {},
			});

			this.type = 'summary';

			for (const label of this.labelNames) {
				if (label === 'quantile')
					throw new Error('quantile is a reserved label keyword');
			}

			if (this.labelNames.length === 0) {
				this.hashMap = {
					[hashObject({})]: {
						labels: {},
						td: new timeWindowQuantiles(this.maxAgeSeconds, this.ageBuckets),
						count: 0,
						sum: 0,
					},
				};
			}
		}

		/**
		 * Observe a value
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @param {Number} value - Value to observe
		 * @returns {void}
		 */
		observe(labels, value) {
			observe.call(this, labels === 0 ? 0 : labels || {})(value);
		}

		async get() {
			if (this.collect) {
				const v = this.collect();
				if (v instanceof Promise) await v;
			}
			const hashKeys = Object.keys(this.hashMap);
			const values = [];

			hashKeys.forEach(hashKey => {
				const s = this.hashMap[hashKey];
				if (s) {
					if (this.pruneAgedBuckets && s.td.size() === 0) {
						delete this.hashMap[hashKey];
					} else {
						extractSummariesForExport(s, this.percentiles).forEach(v => {
							values.push(v);
						});
						values.push(getSumForExport(s, this));
						values.push(getCountForExport(s, this));
					}
				}
			});

			return {
				name: this.name,
				help: this.help,
				type: this.type,
				values,
				aggregator: this.aggregator,
			};
		}

		reset() {
			const data = Object.values(this.hashMap);
			data.forEach(s => {
				s.td.reset();
				s.count = 0;
				s.sum = 0;
			});
		}

		/**
		 * Start a timer that could be used to logging durations
		 * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
		 * @returns {function} - Function to invoke when you want to stop the timer and observe the duration in seconds
		 * @example
		 * var end = summary.startTimer();
		 * makeExpensiveXHRRequest(function(err, res) {
		 *	end(); //Observe the duration of expensiveXHRRequest
		 * });
		 */
		startTimer(labels) {
			return startTimer.call(this, labels)();
		}

		labels(...args) {
			const labels = getLabels(this.labelNames, args);
			validateLabel(this.labelNames, labels);
			return {
				observe: observe.call(this, labels),
				startTimer: startTimer.call(this, labels),
			};
		}

		remove(...args) {
			const labels = getLabels(this.labelNames, args);
			validateLabel(this.labelNames, labels);
			removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
		}
	}

	function extractSummariesForExport(summaryOfLabels, percentiles) {
		summaryOfLabels.td.compress();

		return percentiles.map(percentile => {
			const percentileValue = summaryOfLabels.td.percentile(percentile);
			return {
				labels: Object.assign({ quantile: percentile }, summaryOfLabels.labels),
				value: percentileValue ? percentileValue : 0,
			};
		});
	}

	function getCountForExport(value, summary) {
		return {
			metricName: `${summary.name}_count`,
			labels: value.labels,
			value: value.count,
		};
	}

	function getSumForExport(value, summary) {
		return {
			metricName: `${summary.name}_sum`,
			labels: value.labels,
			value: value.sum,
		};
	}

	function startTimer(startLabels) {
		return () => {
			const start = process.hrtime();
			return endLabels => {
				const delta = process.hrtime(start);
				const value = delta[0] + delta[1] / 1e9;
				this.observe(Object.assign({}, startLabels, endLabels), value);
				return value;
			};
		};
	}

	function observe(labels) {
		return value => {
			const labelValuePair = convertLabelsAndValues(labels, value);

			validateLabel(this.labelNames, labels);
			if (!Number.isFinite(labelValuePair.value)) {
				throw new TypeError(
					`Value is not a valid number: ${util.format(labelValuePair.value)}`,
				);
			}

			const hash = hashObject(labelValuePair.labels, this.sortedLabelNames);
			let summaryOfLabel = this.hashMap[hash];
			if (!summaryOfLabel) {
				summaryOfLabel = {
					labels: labelValuePair.labels,
					td: new timeWindowQuantiles(this.maxAgeSeconds, this.ageBuckets),
					count: 0,
					sum: 0,
				};
			}

			summaryOfLabel.td.push(labelValuePair.value);
			summaryOfLabel.count++;
			if (summaryOfLabel.count % this.compressCount === 0) {
				summaryOfLabel.td.compress();
			}
			summaryOfLabel.sum += labelValuePair.value;
			this.hashMap[hash] = summaryOfLabel;
		};
	}

	function convertLabelsAndValues(labels, value) {
		if (value === undefined) {
			return {
				value: labels,
				labels: {},
			};
		}

		return {
			labels,
			value,
		};
	}

	summary = Summary;
	return summary;
}

var pushgateway;
var hasRequiredPushgateway;

function requirePushgateway () {
	if (hasRequiredPushgateway) return pushgateway;
	hasRequiredPushgateway = 1;

	const url = require$$0$2;
	const http = require$$1$1;
	const https = require$$2$1;
	const { gzipSync } = require$$3$2;
	const { globalRegistry } = requireRegistry();

	class Pushgateway {
		constructor(gatewayUrl, options, registry) {
			if (!registry) {
				registry = globalRegistry;
			}
			this.registry = registry;
			this.gatewayUrl = gatewayUrl;
			const { requireJobName, ...requestOptions } = {
				requireJobName: true,
				...options,
			};
			this.requireJobName = requireJobName;
			this.requestOptions = requestOptions;
		}

		pushAdd(params = {}) {
			if (this.requireJobName && !params.jobName) {
				throw new Error('Missing jobName parameter');
			}

			return useGateway.call(this, 'POST', params.jobName, params.groupings);
		}

		push(params = {}) {
			if (this.requireJobName && !params.jobName) {
				throw new Error('Missing jobName parameter');
			}

			return useGateway.call(this, 'PUT', params.jobName, params.groupings);
		}

		delete(params = {}) {
			if (this.requireJobName && !params.jobName) {
				throw new Error('Missing jobName parameter');
			}

			return useGateway.call(this, 'DELETE', params.jobName, params.groupings);
		}
	}
	async function useGateway(method, job, groupings) {
		// `URL` first added in v6.13.0
		// eslint-disable-next-line n/no-deprecated-api
		const gatewayUrlParsed = url.parse(this.gatewayUrl);
		const gatewayUrlPath =
			gatewayUrlParsed.pathname && gatewayUrlParsed.pathname !== '/'
				? gatewayUrlParsed.pathname
				: '';
		const jobPath = job
			? `/job/${encodeURIComponent(job)}${generateGroupings(groupings)}`
			: '';
		const path = `${gatewayUrlPath}/metrics${jobPath}`;

		// eslint-disable-next-line n/no-deprecated-api
		const target = url.resolve(this.gatewayUrl, path);
		// eslint-disable-next-line n/no-deprecated-api
		const requestParams = url.parse(target);
		const httpModule = isHttps(requestParams.href) ? https : http;
		const options = Object.assign(requestParams, this.requestOptions, {
			method,
		});

		return new Promise((resolve, reject) => {
			if (method === 'DELETE' && options.headers) {
				delete options.headers['Content-Encoding'];
			}
			const req = httpModule.request(options, resp => {
				let body = '';
				resp.setEncoding('utf8');
				resp.on('data', chunk => {
					body += chunk;
				});
				resp.on('end', () => {
					if (resp.statusCode >= 400) {
						reject(
							new Error(`push failed with status ${resp.statusCode}, ${body}`),
						);
					} else {
						resolve({ resp, body });
					}
				});
			});
			req.on('error', err => {
				reject(err);
			});

			req.on('timeout', () => {
				req.destroy(new Error('Pushgateway request timed out'));
			});

			if (method !== 'DELETE') {
				this.registry
					.metrics()
					.then(metrics => {
						if (
							options.headers &&
							options.headers['Content-Encoding'] === 'gzip'
						) {
							metrics = gzipSync(metrics);
						}
						req.write(metrics);
						req.end();
					})
					.catch(err => {
						reject(err);
					});
			} else {
				req.end();
			}
		});
	}

	function generateGroupings(groupings) {
		if (!groupings) {
			return '';
		}
		return Object.keys(groupings)
			.map(
				key =>
					`/${encodeURIComponent(key)}/${encodeURIComponent(groupings[key])}`,
			)
			.join('');
	}

	function isHttps(href) {
		return href.search(/^https/) !== -1;
	}

	pushgateway = Pushgateway;
	return pushgateway;
}

var bucketGenerators = {};

var hasRequiredBucketGenerators;

function requireBucketGenerators () {
	if (hasRequiredBucketGenerators) return bucketGenerators;
	hasRequiredBucketGenerators = 1;

	bucketGenerators.linearBuckets = (start, width, count) => {
		if (count < 1) {
			throw new Error('Linear buckets needs a positive count');
		}

		const buckets = new Array(count);
		for (let i = 0; i < count; i++) {
			buckets[i] = start + i * width;
		}
		return buckets;
	};

	bucketGenerators.exponentialBuckets = (start, factor, count) => {
		if (start <= 0) {
			throw new Error('Exponential buckets needs a positive start');
		}
		if (count < 1) {
			throw new Error('Exponential buckets needs a positive count');
		}
		if (factor <= 1) {
			throw new Error('Exponential buckets needs a factor greater than 1');
		}
		const buckets = new Array(count);
		for (let i = 0; i < count; i++) {
			buckets[i] = start;
			start *= factor;
		}
		return buckets;
	};
	return bucketGenerators;
}

var defaultMetrics = {exports: {}};

var processCpuTotal = {exports: {}};

var dist = {};

var types = {};

var hasRequiredTypes;

function requireTypes () {
	if (hasRequiredTypes) return types;
	hasRequiredTypes = 1;
	//#region src/diag/types.ts
	/**
	* Defines the available internal logging levels for the diagnostic logger, the numeric values
	* of the levels are defined to match the original values from the initial LogLevel to avoid
	* compatibility/migration issues for any implementation that assume the numeric ordering.
	*
	* @since 1.0.0
	*/
	let DiagLogLevel = /* @__PURE__ */ function(DiagLogLevel) {
		/** Diagnostic Logging level setting to disable all logging (except and forced logs) */
		DiagLogLevel[DiagLogLevel["NONE"] = 0] = "NONE";
		/** Identifies an error scenario */
		DiagLogLevel[DiagLogLevel["ERROR"] = 30] = "ERROR";
		/** Identifies a warning scenario */
		DiagLogLevel[DiagLogLevel["WARN"] = 50] = "WARN";
		/** General informational log message */
		DiagLogLevel[DiagLogLevel["INFO"] = 60] = "INFO";
		/** General debug log message */
		DiagLogLevel[DiagLogLevel["DEBUG"] = 70] = "DEBUG";
		/**
		* Detailed trace level logging should only be used for development, should only be set
		* in a development environment.
		*/
		DiagLogLevel[DiagLogLevel["VERBOSE"] = 80] = "VERBOSE";
		/** Used to set the logging level to include all logging */
		DiagLogLevel[DiagLogLevel["ALL"] = 9999] = "ALL";
		return DiagLogLevel;
	}({});
	//#endregion
	types.DiagLogLevel = DiagLogLevel;

	
	return types;
}

var utils$1 = {};

var diag = {};

var globalUtils = {};

var version$1 = {};

var hasRequiredVersion$1;

function requireVersion$1 () {
	if (hasRequiredVersion$1) return version$1;
	hasRequiredVersion$1 = 1;
	//#region src/version.ts
	const VERSION = "1.10.0";
	//#endregion
	version$1.VERSION = VERSION;

	
	return version$1;
}

var semver = {};

var hasRequiredSemver;

function requireSemver () {
	if (hasRequiredSemver) return semver;
	hasRequiredSemver = 1;
	const require_version = /*@__PURE__*/ requireVersion$1();
	//#region src/internal/semver.ts
	const re = /^(\d+)\.(\d+)\.(\d+)(-(.+))?$/;
	/**
	* Create a function to test an API version to see if it is compatible with the provided ownVersion.
	*
	* The returned function has the following semantics:
	* - Exact match is always compatible
	* - Major versions must match exactly
	*    - 1.x package cannot use global 2.x package
	*    - 2.x package cannot use global 1.x package
	* - The minor version of the API module requesting access to the global API must be less than or equal to the minor version of this API
	*    - 1.3 package may use 1.4 global because the later global contains all functions 1.3 expects
	*    - 1.4 package may NOT use 1.3 global because it may try to call functions which don't exist on 1.3
	* - If the major version is 0, the minor version is treated as the major and the patch is treated as the minor
	* - Patch and build tag differences are not considered at this time
	*
	* @param ownVersion version which should be checked against
	*/
	function _makeCompatibilityCheck(ownVersion) {
		const acceptedVersions = /* @__PURE__ */ new Set([ownVersion]);
		const rejectedVersions = /* @__PURE__ */ new Set();
		const myVersionMatch = ownVersion.match(re);
		if (!myVersionMatch) return () => false;
		const ownVersionParsed = {
			major: +myVersionMatch[1],
			minor: +myVersionMatch[2],
			patch: +myVersionMatch[3],
			prerelease: myVersionMatch[4]
		};
		if (ownVersionParsed.prerelease != null) return function isExactmatch(globalVersion) {
			return globalVersion === ownVersion;
		};
		function _reject(v) {
			rejectedVersions.add(v);
			return false;
		}
		function _accept(v) {
			acceptedVersions.add(v);
			return true;
		}
		return function isCompatible(globalVersion) {
			if (acceptedVersions.has(globalVersion)) return true;
			if (rejectedVersions.has(globalVersion)) return false;
			const globalVersionMatch = globalVersion.match(re);
			if (!globalVersionMatch) return _reject(globalVersion);
			const globalVersionParsed = {
				major: +globalVersionMatch[1],
				minor: +globalVersionMatch[2],
				patch: +globalVersionMatch[3],
				prerelease: globalVersionMatch[4]
			};
			if (globalVersionParsed.prerelease != null) return _reject(globalVersion);
			if (ownVersionParsed.major !== globalVersionParsed.major) return _reject(globalVersion);
			if (ownVersionParsed.major === 0) {
				if (ownVersionParsed.minor === globalVersionParsed.minor && ownVersionParsed.patch <= globalVersionParsed.patch) return _accept(globalVersion);
				return _reject(globalVersion);
			}
			if (ownVersionParsed.minor <= globalVersionParsed.minor) return _accept(globalVersion);
			return _reject(globalVersion);
		};
	}
	/**
	* Test an API version to see if it is compatible with this API.
	*
	* - Exact match is always compatible
	* - Major versions must match exactly
	*    - 1.x package cannot use global 2.x package
	*    - 2.x package cannot use global 1.x package
	* - The minor version of the API module requesting access to the global API must be less than or equal to the minor version of this API
	*    - 1.3 package may use 1.4 global because the later global contains all functions 1.3 expects
	*    - 1.4 package may NOT use 1.3 global because it may try to call functions which don't exist on 1.3
	* - If the major version is 0, the minor version is treated as the major and the patch is treated as the minor
	* - Patch and build tag differences are not considered at this time
	*
	* @param version version of the API requesting an instance of the global API
	*/
	const isCompatible = _makeCompatibilityCheck(require_version.VERSION);
	//#endregion
	semver._makeCompatibilityCheck = _makeCompatibilityCheck;
	semver.isCompatible = isCompatible;

	
	return semver;
}

var hasRequiredGlobalUtils;

function requireGlobalUtils () {
	if (hasRequiredGlobalUtils) return globalUtils;
	hasRequiredGlobalUtils = 1;
	const require_version = /*@__PURE__*/ requireVersion$1();
	const require_semver = /*@__PURE__*/ requireSemver();
	//#region src/internal/global-utils.ts
	const major = require_version.VERSION.split(".")[0];
	const GLOBAL_OPENTELEMETRY_API_KEY = Symbol.for(`opentelemetry.js.api.${major}`);
	const _global = typeof globalThis === "object" ? globalThis : typeof self === "object" ? self : typeof window === "object" ? window : typeof commonjsGlobal === "object" ? commonjsGlobal : {};
	function _makeGlobalApi() {
		return Object.defineProperty({}, "version", {
			value: require_version.VERSION,
			enumerable: true,
			writable: false,
			configurable: false
		});
	}
	function registerGlobal(type, instance, diag, allowOverride = false) {
		var _global$GLOBAL_OPENTE;
		const api = _global[GLOBAL_OPENTELEMETRY_API_KEY] = (_global$GLOBAL_OPENTE = _global[GLOBAL_OPENTELEMETRY_API_KEY]) !== null && _global$GLOBAL_OPENTE !== void 0 ? _global$GLOBAL_OPENTE : _makeGlobalApi();
		if (!allowOverride && api[type]) {
			const err = /* @__PURE__ */ new Error(`@opentelemetry/api: Attempted duplicate registration of API: ${type}`);
			diag.error(err.stack || err.message);
			return false;
		}
		if (api.version !== "1.10.0") {
			const err = /* @__PURE__ */ new Error(`@opentelemetry/api: Registration of version v${api.version} for ${type} does not match previously registered API v${require_version.VERSION}`);
			diag.error(err.stack || err.message);
			return false;
		}
		api[type] = instance;
		diag.debug(`@opentelemetry/api: Registered a global for ${type} v${require_version.VERSION}.`);
		return true;
	}
	let _compatibleGlobalApi;
	function getGlobal(type) {
		const api = _global[GLOBAL_OPENTELEMETRY_API_KEY];
		if (api == null) return;
		if (api !== _compatibleGlobalApi) {
			if (!api.version || !require_semver.isCompatible(api.version)) return;
			_compatibleGlobalApi = api;
		}
		return api[type];
	}
	function unregisterGlobal(type, diag) {
		diag.debug(`@opentelemetry/api: Unregistering a global for ${type} v${require_version.VERSION}.`);
		const api = _global[GLOBAL_OPENTELEMETRY_API_KEY];
		if (api) delete api[type];
	}
	//#endregion
	globalUtils.getGlobal = getGlobal;
	globalUtils.registerGlobal = registerGlobal;
	globalUtils.unregisterGlobal = unregisterGlobal;

	
	return globalUtils;
}

var ComponentLogger = {};

var hasRequiredComponentLogger;

function requireComponentLogger () {
	if (hasRequiredComponentLogger) return ComponentLogger;
	hasRequiredComponentLogger = 1;
	const require_global_utils = /*@__PURE__*/ requireGlobalUtils();
	//#region src/diag/ComponentLogger.ts
	/**
	* Component Logger which is meant to be used as part of any component which
	* will add automatically additional namespace in front of the log message.
	* It will then forward all message to global diag logger
	* @example
	* const cLogger = diag.createComponentLogger({ namespace: '@opentelemetry/instrumentation-http' });
	* cLogger.debug('test');
	* // @opentelemetry/instrumentation-http test
	*/
	var DiagComponentLogger = class {
		constructor(props) {
			this._namespace = props.namespace || "DiagComponentLogger";
		}
		debug(...args) {
			return logProxy("debug", this._namespace, args);
		}
		error(...args) {
			return logProxy("error", this._namespace, args);
		}
		info(...args) {
			return logProxy("info", this._namespace, args);
		}
		warn(...args) {
			return logProxy("warn", this._namespace, args);
		}
		verbose(...args) {
			return logProxy("verbose", this._namespace, args);
		}
	};
	function logProxy(funcName, namespace, args) {
		const logger = require_global_utils.getGlobal("diag");
		if (!logger) return;
		return logger[funcName](namespace, ...args);
	}
	//#endregion
	ComponentLogger.DiagComponentLogger = DiagComponentLogger;

	
	return ComponentLogger;
}

var logLevelLogger = {};

var hasRequiredLogLevelLogger;

function requireLogLevelLogger () {
	if (hasRequiredLogLevelLogger) return logLevelLogger;
	hasRequiredLogLevelLogger = 1;
	//#region src/diag/internal/logLevelLogger.ts
	function createLogLevelDiagLogger(maxLevel, logger) {
		if (maxLevel < 0) maxLevel = 0;
		else if (maxLevel > 9999) maxLevel = 9999;
		logger = logger || {};
		function _filterFunc(funcName, theLevel) {
			const theFunc = logger[funcName];
			if (typeof theFunc === "function" && maxLevel >= theLevel) return theFunc.bind(logger);
			return function() {};
		}
		return {
			error: _filterFunc("error", 30),
			warn: _filterFunc("warn", 50),
			info: _filterFunc("info", 60),
			debug: _filterFunc("debug", 70),
			verbose: _filterFunc("verbose", 80)
		};
	}
	//#endregion
	logLevelLogger.createLogLevelDiagLogger = createLogLevelDiagLogger;

	
	return logLevelLogger;
}

var hasRequiredDiag;

function requireDiag () {
	if (hasRequiredDiag) return diag;
	hasRequiredDiag = 1;
	const require_global_utils = /*@__PURE__*/ requireGlobalUtils();
	const require_ComponentLogger = /*@__PURE__*/ requireComponentLogger();
	const require_logLevelLogger = /*@__PURE__*/ requireLogLevelLogger();
	//#region src/api/diag.ts
	const API_NAME = "diag";
	/**
	* Singleton object which represents the entry point to the OpenTelemetry internal
	* diagnostic API
	*
	* @since 1.0.0
	*/
	var DiagAPI = class DiagAPI {
		/** Get the singleton instance of the DiagAPI API */
		static instance() {
			if (!this._instance) this._instance = new DiagAPI();
			return this._instance;
		}
		/**
		* Private internal constructor
		* @private
		*/
		constructor() {
			function _logProxy(funcName) {
				return function(...args) {
					const logger = require_global_utils.getGlobal("diag");
					if (!logger) return;
					return logger[funcName](...args);
				};
			}
			const self = this;
			const setLogger = (logger, optionsOrLogLevel = { logLevel: 60 }) => {
				var _optionsOrLogLevel$lo;
				if (logger === self) {
					var _err$stack;
					const err = /* @__PURE__ */ new Error("Cannot use diag as the logger for itself. Please use a DiagLogger implementation like ConsoleDiagLogger or a custom implementation");
					self.error((_err$stack = err.stack) !== null && _err$stack !== void 0 ? _err$stack : err.message);
					return false;
				}
				if (typeof optionsOrLogLevel === "number") optionsOrLogLevel = { logLevel: optionsOrLogLevel };
				const oldLogger = require_global_utils.getGlobal("diag");
				const newLogger = require_logLevelLogger.createLogLevelDiagLogger((_optionsOrLogLevel$lo = optionsOrLogLevel.logLevel) !== null && _optionsOrLogLevel$lo !== void 0 ? _optionsOrLogLevel$lo : 60, logger);
				if (oldLogger && !optionsOrLogLevel.suppressOverrideMessage) {
					var _Error$stack;
					const stack = (_Error$stack = (/* @__PURE__ */ new Error()).stack) !== null && _Error$stack !== void 0 ? _Error$stack : "<failed to generate stacktrace>";
					oldLogger.warn(`Current logger will be overwritten from ${stack}`);
					newLogger.warn(`Current logger will overwrite one already registered from ${stack}`);
				}
				return require_global_utils.registerGlobal("diag", newLogger, self, true);
			};
			self.setLogger = setLogger;
			self.disable = () => {
				require_global_utils.unregisterGlobal(API_NAME, self);
			};
			self.createComponentLogger = (options) => {
				return new require_ComponentLogger.DiagComponentLogger(options);
			};
			self.verbose = _logProxy("verbose");
			self.debug = _logProxy("debug");
			self.info = _logProxy("info");
			self.warn = _logProxy("warn");
			self.error = _logProxy("error");
		}
	};
	//#endregion
	diag.DiagAPI = DiagAPI;

	
	return diag;
}

var baggageImpl = {};

var hasRequiredBaggageImpl;

function requireBaggageImpl () {
	if (hasRequiredBaggageImpl) return baggageImpl;
	hasRequiredBaggageImpl = 1;
	//#region src/baggage/internal/baggage-impl.ts
	var BaggageImpl = class BaggageImpl {
		constructor(entries) {
			this._entries = entries ? new Map(entries) : /* @__PURE__ */ new Map();
		}
		getEntry(key) {
			const entry = this._entries.get(key);
			if (!entry) return;
			return Object.assign({}, entry);
		}
		getAllEntries() {
			return Array.from(this._entries.entries());
		}
		setEntry(key, entry) {
			const newBaggage = new BaggageImpl(this._entries);
			newBaggage._entries.set(key, entry);
			return newBaggage;
		}
		removeEntry(key) {
			const newBaggage = new BaggageImpl(this._entries);
			newBaggage._entries.delete(key);
			return newBaggage;
		}
		removeEntries(...keys) {
			const newBaggage = new BaggageImpl(this._entries);
			for (const key of keys) newBaggage._entries.delete(key);
			return newBaggage;
		}
		clear() {
			return new BaggageImpl();
		}
	};
	//#endregion
	baggageImpl.BaggageImpl = BaggageImpl;

	
	return baggageImpl;
}

var symbol = {};

var hasRequiredSymbol;

function requireSymbol () {
	if (hasRequiredSymbol) return symbol;
	hasRequiredSymbol = 1;
	//#region src/baggage/internal/symbol.ts
	/**
	* Symbol used to make BaggageEntryMetadata an opaque type
	*/
	const baggageEntryMetadataSymbol = Symbol("BaggageEntryMetadata");
	//#endregion
	symbol.baggageEntryMetadataSymbol = baggageEntryMetadataSymbol;

	
	return symbol;
}

var hasRequiredUtils$1;

function requireUtils$1 () {
	if (hasRequiredUtils$1) return utils$1;
	hasRequiredUtils$1 = 1;
	const require_diag = /*@__PURE__*/ requireDiag();
	const require_baggage_impl = /*@__PURE__*/ requireBaggageImpl();
	const require_symbol = /*@__PURE__*/ requireSymbol();
	//#region src/baggage/utils.ts
	const diag = require_diag.DiagAPI.instance();
	/**
	* Create a new Baggage with optional entries
	*
	* @param entries An array of baggage entries the new baggage should contain
	*/
	function createBaggage(entries = {}) {
		return new require_baggage_impl.BaggageImpl(new Map(Object.entries(entries)));
	}
	/**
	* Create a serializable BaggageEntryMetadata object from a string.
	*
	* @param str string metadata. Format is currently not defined by the spec and has no special meaning.
	*
	* @since 1.0.0
	*/
	function baggageEntryMetadataFromString(str) {
		if (typeof str !== "string") {
			diag.error(`Cannot create baggage metadata from unknown type: ${typeof str}`);
			str = "";
		}
		return {
			__TYPE__: require_symbol.baggageEntryMetadataSymbol,
			toString() {
				return str;
			}
		};
	}
	//#endregion
	utils$1.baggageEntryMetadataFromString = baggageEntryMetadataFromString;
	utils$1.createBaggage = createBaggage;

	
	return utils$1;
}

var context$1 = {};

var hasRequiredContext$1;

function requireContext$1 () {
	if (hasRequiredContext$1) return context$1;
	hasRequiredContext$1 = 1;
	//#region src/context/context.ts
	/**
	* Get a key to uniquely identify a context value
	*
	* @since 1.0.0
	*/
	function createContextKey(description) {
		return Symbol.for(description);
	}
	/**
	* The root context is used as the default parent context when there is no active context
	*
	* @since 1.0.0
	*/
	const ROOT_CONTEXT = new class BaseContext {
		/**
		* Construct a new context which inherits values from an optional parent context.
		*
		* @param parentContext a context from which to inherit values
		*/
		constructor(parentContext) {
			const self = this;
			self._currentContext = parentContext ? new Map(parentContext) : /* @__PURE__ */ new Map();
			self.getValue = (key) => self._currentContext.get(key);
			self.setValue = (key, value) => {
				const context = new BaseContext(self._currentContext);
				context._currentContext.set(key, value);
				return context;
			};
			self.deleteValue = (key) => {
				const context = new BaseContext(self._currentContext);
				context._currentContext.delete(key);
				return context;
			};
		}
	}();
	//#endregion
	context$1.ROOT_CONTEXT = ROOT_CONTEXT;
	context$1.createContextKey = createContextKey;

	
	return context$1;
}

var consoleLogger = {};

var hasRequiredConsoleLogger;

function requireConsoleLogger () {
	if (hasRequiredConsoleLogger) return consoleLogger;
	hasRequiredConsoleLogger = 1;
	//#region src/diag/consoleLogger.ts
	const consoleMap = [
		{
			n: "error",
			c: "error"
		},
		{
			n: "warn",
			c: "warn"
		},
		{
			n: "info",
			c: "info"
		},
		{
			n: "debug",
			c: "debug"
		},
		{
			n: "verbose",
			c: "trace"
		}
	];
	const _originalConsoleMethods = {};
	if (typeof console !== "undefined") {
		for (const key of [
			"error",
			"warn",
			"info",
			"debug",
			"trace",
			"log"
		]) if (typeof console[key] === "function") _originalConsoleMethods[key] = console[key];
	}
	/**
	* A simple Immutable Console based diagnostic logger which will output any messages to the Console.
	* If you want to limit the amount of logging to a specific level or lower use the
	* {@link createLogLevelDiagLogger}
	*
	* @since 1.0.0
	*/
	var DiagConsoleLogger = class {
		constructor() {
			function _consoleFunc(funcName) {
				return function(...args) {
					let theFunc = _originalConsoleMethods[funcName];
					if (typeof theFunc !== "function") theFunc = _originalConsoleMethods["log"];
					if (typeof theFunc !== "function" && console) {
						theFunc = console[funcName];
						if (typeof theFunc !== "function") theFunc = console.log;
					}
					if (typeof theFunc === "function") return theFunc.apply(console, args);
				};
			}
			for (let i = 0; i < consoleMap.length; i++) this[consoleMap[i].n] = _consoleFunc(consoleMap[i].c);
		}
	};
	//#endregion
	consoleLogger.DiagConsoleLogger = DiagConsoleLogger;
	consoleLogger._originalConsoleMethods = _originalConsoleMethods;

	
	return consoleLogger;
}

var NoopMeter = {};

var hasRequiredNoopMeter;

function requireNoopMeter () {
	if (hasRequiredNoopMeter) return NoopMeter;
	hasRequiredNoopMeter = 1;
	//#region src/metrics/NoopMeter.ts
	/**
	* NoopMeter is a noop implementation of the {@link Meter} interface. It reuses
	* constant NoopMetrics for all of its methods.
	*/
	var NoopMeter$1 = class NoopMeter {
		constructor() {}
		/**
		* @see {@link Meter.createGauge}
		*/
		createGauge(_name, _options) {
			return NOOP_GAUGE_METRIC;
		}
		/**
		* @see {@link Meter.createHistogram}
		*/
		createHistogram(_name, _options) {
			return NOOP_HISTOGRAM_METRIC;
		}
		/**
		* @see {@link Meter.createCounter}
		*/
		createCounter(_name, _options) {
			return NOOP_COUNTER_METRIC;
		}
		/**
		* @see {@link Meter.createUpDownCounter}
		*/
		createUpDownCounter(_name, _options) {
			return NOOP_UP_DOWN_COUNTER_METRIC;
		}
		/**
		* @see {@link Meter.createObservableGauge}
		*/
		createObservableGauge(_name, _options) {
			return NOOP_OBSERVABLE_GAUGE_METRIC;
		}
		/**
		* @see {@link Meter.createObservableCounter}
		*/
		createObservableCounter(_name, _options) {
			return NOOP_OBSERVABLE_COUNTER_METRIC;
		}
		/**
		* @see {@link Meter.createObservableUpDownCounter}
		*/
		createObservableUpDownCounter(_name, _options) {
			return NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC;
		}
		/**
		* @see {@link Meter.addBatchObservableCallback}
		*/
		addBatchObservableCallback(_callback, _observables) {}
		/**
		* @see {@link Meter.removeBatchObservableCallback}
		*/
		removeBatchObservableCallback(_callback) {}
	};
	var NoopMetric = class {};
	var NoopCounterMetric = class extends NoopMetric {
		add(_value, _attributes) {}
	};
	var NoopUpDownCounterMetric = class extends NoopMetric {
		add(_value, _attributes) {}
	};
	var NoopGaugeMetric = class extends NoopMetric {
		record(_value, _attributes) {}
	};
	var NoopHistogramMetric = class extends NoopMetric {
		record(_value, _attributes) {}
	};
	var NoopObservableMetric = class {
		addCallback(_callback) {}
		removeCallback(_callback) {}
	};
	var NoopObservableCounterMetric = class extends NoopObservableMetric {};
	var NoopObservableGaugeMetric = class extends NoopObservableMetric {};
	var NoopObservableUpDownCounterMetric = class extends NoopObservableMetric {};
	const NOOP_METER = new NoopMeter$1();
	const NOOP_COUNTER_METRIC = new NoopCounterMetric();
	const NOOP_GAUGE_METRIC = new NoopGaugeMetric();
	const NOOP_HISTOGRAM_METRIC = new NoopHistogramMetric();
	const NOOP_UP_DOWN_COUNTER_METRIC = new NoopUpDownCounterMetric();
	const NOOP_OBSERVABLE_COUNTER_METRIC = new NoopObservableCounterMetric();
	const NOOP_OBSERVABLE_GAUGE_METRIC = new NoopObservableGaugeMetric();
	const NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC = new NoopObservableUpDownCounterMetric();
	/**
	* Create a no-op Meter
	*
	* @since 1.3.0
	*/
	function createNoopMeter() {
		return NOOP_METER;
	}
	//#endregion
	NoopMeter.NOOP_COUNTER_METRIC = NOOP_COUNTER_METRIC;
	NoopMeter.NOOP_GAUGE_METRIC = NOOP_GAUGE_METRIC;
	NoopMeter.NOOP_HISTOGRAM_METRIC = NOOP_HISTOGRAM_METRIC;
	NoopMeter.NOOP_METER = NOOP_METER;
	NoopMeter.NOOP_OBSERVABLE_COUNTER_METRIC = NOOP_OBSERVABLE_COUNTER_METRIC;
	NoopMeter.NOOP_OBSERVABLE_GAUGE_METRIC = NOOP_OBSERVABLE_GAUGE_METRIC;
	NoopMeter.NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC = NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC;
	NoopMeter.NOOP_UP_DOWN_COUNTER_METRIC = NOOP_UP_DOWN_COUNTER_METRIC;
	NoopMeter.NoopCounterMetric = NoopCounterMetric;
	NoopMeter.NoopGaugeMetric = NoopGaugeMetric;
	NoopMeter.NoopHistogramMetric = NoopHistogramMetric;
	NoopMeter.NoopMeter = NoopMeter$1;
	NoopMeter.NoopMetric = NoopMetric;
	NoopMeter.NoopObservableCounterMetric = NoopObservableCounterMetric;
	NoopMeter.NoopObservableGaugeMetric = NoopObservableGaugeMetric;
	NoopMeter.NoopObservableMetric = NoopObservableMetric;
	NoopMeter.NoopObservableUpDownCounterMetric = NoopObservableUpDownCounterMetric;
	NoopMeter.NoopUpDownCounterMetric = NoopUpDownCounterMetric;
	NoopMeter.createNoopMeter = createNoopMeter;

	
	return NoopMeter;
}

var Metric = {};

var hasRequiredMetric;

function requireMetric () {
	if (hasRequiredMetric) return Metric;
	hasRequiredMetric = 1;
	//#region src/metrics/Metric.ts
	/**
	* The Type of value. It describes how the data is reported.
	*
	* @since 1.3.0
	*/
	let ValueType = /* @__PURE__ */ function(ValueType) {
		ValueType[ValueType["INT"] = 0] = "INT";
		ValueType[ValueType["DOUBLE"] = 1] = "DOUBLE";
		return ValueType;
	}({});
	//#endregion
	Metric.ValueType = ValueType;

	
	return Metric;
}

var NoopLogger = {};

var hasRequiredNoopLogger;

function requireNoopLogger () {
	if (hasRequiredNoopLogger) return NoopLogger;
	hasRequiredNoopLogger = 1;
	//#region src/logs/NoopLogger.ts
	var NoopLogger$1 = class NoopLogger {
		emit(_logRecord) {}
		enabled() {
			return false;
		}
	};
	const NOOP_LOGGER = new NoopLogger$1();
	/**
	* Create a no-op Logger
	*/
	function createNoopLogger() {
		return NOOP_LOGGER;
	}
	//#endregion
	NoopLogger.NOOP_LOGGER = NOOP_LOGGER;
	NoopLogger.NoopLogger = NoopLogger$1;
	NoopLogger.createNoopLogger = createNoopLogger;

	
	return NoopLogger;
}

var LogRecord = {};

var hasRequiredLogRecord;

function requireLogRecord () {
	if (hasRequiredLogRecord) return LogRecord;
	hasRequiredLogRecord = 1;
	//#region src/logs/LogRecord.ts
	let SeverityNumber = /* @__PURE__ */ function(SeverityNumber) {
		SeverityNumber[SeverityNumber["UNSPECIFIED"] = 0] = "UNSPECIFIED";
		SeverityNumber[SeverityNumber["TRACE"] = 1] = "TRACE";
		SeverityNumber[SeverityNumber["TRACE2"] = 2] = "TRACE2";
		SeverityNumber[SeverityNumber["TRACE3"] = 3] = "TRACE3";
		SeverityNumber[SeverityNumber["TRACE4"] = 4] = "TRACE4";
		SeverityNumber[SeverityNumber["DEBUG"] = 5] = "DEBUG";
		SeverityNumber[SeverityNumber["DEBUG2"] = 6] = "DEBUG2";
		SeverityNumber[SeverityNumber["DEBUG3"] = 7] = "DEBUG3";
		SeverityNumber[SeverityNumber["DEBUG4"] = 8] = "DEBUG4";
		SeverityNumber[SeverityNumber["INFO"] = 9] = "INFO";
		SeverityNumber[SeverityNumber["INFO2"] = 10] = "INFO2";
		SeverityNumber[SeverityNumber["INFO3"] = 11] = "INFO3";
		SeverityNumber[SeverityNumber["INFO4"] = 12] = "INFO4";
		SeverityNumber[SeverityNumber["WARN"] = 13] = "WARN";
		SeverityNumber[SeverityNumber["WARN2"] = 14] = "WARN2";
		SeverityNumber[SeverityNumber["WARN3"] = 15] = "WARN3";
		SeverityNumber[SeverityNumber["WARN4"] = 16] = "WARN4";
		SeverityNumber[SeverityNumber["ERROR"] = 17] = "ERROR";
		SeverityNumber[SeverityNumber["ERROR2"] = 18] = "ERROR2";
		SeverityNumber[SeverityNumber["ERROR3"] = 19] = "ERROR3";
		SeverityNumber[SeverityNumber["ERROR4"] = 20] = "ERROR4";
		SeverityNumber[SeverityNumber["FATAL"] = 21] = "FATAL";
		SeverityNumber[SeverityNumber["FATAL2"] = 22] = "FATAL2";
		SeverityNumber[SeverityNumber["FATAL3"] = 23] = "FATAL3";
		SeverityNumber[SeverityNumber["FATAL4"] = 24] = "FATAL4";
		return SeverityNumber;
	}({});
	//#endregion
	LogRecord.SeverityNumber = SeverityNumber;

	
	return LogRecord;
}

var TextMapPropagator = {};

var hasRequiredTextMapPropagator;

function requireTextMapPropagator () {
	if (hasRequiredTextMapPropagator) return TextMapPropagator;
	hasRequiredTextMapPropagator = 1;
	//#region src/propagation/TextMapPropagator.ts
	/**
	* @since 1.0.0
	*/
	const defaultTextMapGetter = {
		get(carrier, key) {
			if (carrier == null) return;
			return carrier[key];
		},
		keys(carrier) {
			if (carrier == null) return [];
			return Object.keys(carrier);
		}
	};
	/**
	* @since 1.0.0
	*/
	const defaultTextMapSetter = { set(carrier, key, value) {
		if (carrier == null) return;
		carrier[key] = value;
	} };
	//#endregion
	TextMapPropagator.defaultTextMapGetter = defaultTextMapGetter;
	TextMapPropagator.defaultTextMapSetter = defaultTextMapSetter;

	
	return TextMapPropagator;
}

var trace_flags = {};

var hasRequiredTrace_flags;

function requireTrace_flags () {
	if (hasRequiredTrace_flags) return trace_flags;
	hasRequiredTrace_flags = 1;
	//#region src/trace/trace_flags.ts
	/**
	* @since 1.0.0
	*/
	let TraceFlags = /* @__PURE__ */ function(TraceFlags) {
		/** Represents no flag set. */
		TraceFlags[TraceFlags["NONE"] = 0] = "NONE";
		/** Bit to represent whether trace is sampled in trace flags. */
		TraceFlags[TraceFlags["SAMPLED"] = 1] = "SAMPLED";
		return TraceFlags;
	}({});
	//#endregion
	trace_flags.TraceFlags = TraceFlags;

	
	return trace_flags;
}

var invalidSpanConstants = {};

var hasRequiredInvalidSpanConstants;

function requireInvalidSpanConstants () {
	if (hasRequiredInvalidSpanConstants) return invalidSpanConstants;
	hasRequiredInvalidSpanConstants = 1;
	//#region src/trace/invalid-span-constants.ts
	/**
	* @since 1.0.0
	*/
	const INVALID_SPANID = "0000000000000000";
	/**
	* @since 1.0.0
	*/
	const INVALID_TRACEID = "00000000000000000000000000000000";
	/**
	* @since 1.0.0
	*/
	const INVALID_SPAN_CONTEXT = {
		traceId: INVALID_TRACEID,
		spanId: INVALID_SPANID,
		traceFlags: 0
	};
	//#endregion
	invalidSpanConstants.INVALID_SPANID = INVALID_SPANID;
	invalidSpanConstants.INVALID_SPAN_CONTEXT = INVALID_SPAN_CONTEXT;
	invalidSpanConstants.INVALID_TRACEID = INVALID_TRACEID;

	
	return invalidSpanConstants;
}

var spancontextUtils = {};

var NonRecordingSpan = {};

var hasRequiredNonRecordingSpan;

function requireNonRecordingSpan () {
	if (hasRequiredNonRecordingSpan) return NonRecordingSpan;
	hasRequiredNonRecordingSpan = 1;
	const require_invalid_span_constants = /*@__PURE__*/ requireInvalidSpanConstants();
	//#region src/trace/NonRecordingSpan.ts
	/**
	* The NonRecordingSpan is the default {@link Span} that is used when no Span
	* implementation is available. All operations are no-op including context
	* propagation.
	*/
	var NonRecordingSpan$1 = class NonRecordingSpan {
		constructor(spanContext = require_invalid_span_constants.INVALID_SPAN_CONTEXT) {
			this._spanContext = spanContext;
		}
		spanContext() {
			return this._spanContext;
		}
		setAttribute(_key, _value) {
			return this;
		}
		setAttributes(_attributes) {
			return this;
		}
		addEvent(_name, _attributes) {
			return this;
		}
		addLink(_link) {
			return this;
		}
		addLinks(_links) {
			return this;
		}
		setStatus(_status) {
			return this;
		}
		updateName(_name) {
			return this;
		}
		end(_endTime) {}
		isRecording() {
			return false;
		}
		recordException(_exception, _time) {}
	};
	//#endregion
	NonRecordingSpan.NonRecordingSpan = NonRecordingSpan$1;

	
	return NonRecordingSpan;
}

var hasRequiredSpancontextUtils;

function requireSpancontextUtils () {
	if (hasRequiredSpancontextUtils) return spancontextUtils;
	hasRequiredSpancontextUtils = 1;
	const require_NonRecordingSpan = /*@__PURE__*/ requireNonRecordingSpan();
	//#region src/trace/spancontext-utils.ts
	const isHex = new Uint8Array([
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		1,
		1,
		1,
		1,
		1,
		1,
		1,
		1,
		1,
		1,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		1,
		1,
		1,
		1,
		1,
		1,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		1,
		1,
		1,
		1,
		1,
		1
	]);
	function isValidHex(id, length) {
		if (typeof id !== "string" || id.length !== length) return false;
		let r = 0;
		for (let i = 0; i < id.length; i += 4) r += (isHex[id.charCodeAt(i)] | 0) + (isHex[id.charCodeAt(i + 1)] | 0) + (isHex[id.charCodeAt(i + 2)] | 0) + (isHex[id.charCodeAt(i + 3)] | 0);
		return r === length;
	}
	/**
	* @since 1.0.0
	*/
	function isValidTraceId(traceId) {
		return isValidHex(traceId, 32) && traceId !== "00000000000000000000000000000000";
	}
	/**
	* @since 1.0.0
	*/
	function isValidSpanId(spanId) {
		return isValidHex(spanId, 16) && spanId !== "0000000000000000";
	}
	/**
	* Returns true if this {@link SpanContext} is valid.
	* @return true if this {@link SpanContext} is valid.
	*
	* @since 1.0.0
	*/
	function isSpanContextValid(spanContext) {
		return isValidTraceId(spanContext.traceId) && isValidSpanId(spanContext.spanId);
	}
	/**
	* Wrap the given {@link SpanContext} in a new non-recording {@link Span}
	*
	* @param spanContext span context to be wrapped
	* @returns a new non-recording {@link Span} with the provided context
	*/
	function wrapSpanContext(spanContext) {
		return new require_NonRecordingSpan.NonRecordingSpan(spanContext);
	}
	//#endregion
	spancontextUtils.isSpanContextValid = isSpanContextValid;
	spancontextUtils.isValidSpanId = isValidSpanId;
	spancontextUtils.isValidTraceId = isValidTraceId;
	spancontextUtils.wrapSpanContext = wrapSpanContext;

	
	return spancontextUtils;
}

var ProxyTracer = {};

var NoopTracer = {};

var context = {};

var NoopContextManager = {};

var hasRequiredNoopContextManager;

function requireNoopContextManager () {
	if (hasRequiredNoopContextManager) return NoopContextManager;
	hasRequiredNoopContextManager = 1;
	const require_context = /*@__PURE__*/ requireContext$1();
	//#region src/context/NoopContextManager.ts
	var NoopContextManager$1 = class NoopContextManager {
		active() {
			return require_context.ROOT_CONTEXT;
		}
		with(_context, fn, thisArg, ...args) {
			return fn.call(thisArg, ...args);
		}
		bind(_context, target) {
			return target;
		}
		enable() {
			return this;
		}
		disable() {
			return this;
		}
		/** @experimental This API is experimental and may change in minor releases without prior notice. */
		attach(_context) {
			return { dispose() {} };
		}
	};
	//#endregion
	NoopContextManager.NoopContextManager = NoopContextManager$1;

	
	return NoopContextManager;
}

var hasRequiredContext;

function requireContext () {
	if (hasRequiredContext) return context;
	hasRequiredContext = 1;
	const require_global_utils = /*@__PURE__*/ requireGlobalUtils();
	const require_diag = /*@__PURE__*/ requireDiag();
	const require_NoopContextManager = /*@__PURE__*/ requireNoopContextManager();
	//#region src/api/context.ts
	const API_NAME = "context";
	const NOOP_CONTEXT_MANAGER = new require_NoopContextManager.NoopContextManager();
	const NOOP_TOKEN = Object.freeze({ dispose: () => {} });
	/**
	* Singleton object which represents the entry point to the OpenTelemetry Context API
	*
	* @since 1.0.0
	*/
	var ContextAPI = class ContextAPI {
		/** Empty private constructor prevents end users from constructing a new instance of the API */
		constructor() {
			this._attachUnsupportedWarned = false;
		}
		/** Get the singleton instance of the Context API */
		static getInstance() {
			if (!this._instance) this._instance = new ContextAPI();
			return this._instance;
		}
		/**
		* Set the current context manager.
		*
		* @returns true if the context manager was successfully registered, else false
		*/
		setGlobalContextManager(contextManager) {
			return require_global_utils.registerGlobal(API_NAME, contextManager, require_diag.DiagAPI.instance());
		}
		/**
		* Get the currently active context
		*/
		active() {
			return this._getContextManager().active();
		}
		/**
		* Execute a function with an active context
		*
		* @param context context to be active during function execution
		* @param fn function to execute in a context
		* @param thisArg optional receiver to be used for calling fn
		* @param args optional arguments forwarded to fn
		*/
		with(context, fn, thisArg, ...args) {
			return this._getContextManager().with(context, fn, thisArg, ...args);
		}
		/**
		* Bind a context to a target function or event emitter
		*
		* @param context context to bind to the event emitter or function. Defaults to the currently active context
		* @param target function or event emitter to bind
		*/
		bind(context, target) {
			return this._getContextManager().bind(context, target);
		}
		/**
		* Imperatively sets `context` as active, returning a {@link ContextManagementToken} whose
		* {@link ContextManagementToken.dispose} restores the previous context.
		*
		* This is a delicate, low-level API - prefer {@link with}/{@link bind}, which
		* restore context automatically. Use `attach` only to bridge callback
		* boundaries that `with` cannot wrap. Call `token.dispose()` when the
		* operation is done.
		*
		* **Caveat for async functions:** If called inside an async function before
		* the first `await`, the context change may leak into the caller's context
		* and remain active there. Prefer {@link with} for async code.
		*
		* Support is best-effort and varies by the active ContextManager (see
		* {@link ContextManager.attach}); if it does not implement `attach`, this logs
		* a warning and returns a no-op token.
		*
		* @param context The Context to attach
		* @returns A {@link ContextManagementToken} whose dispose() restores the previous Context
		* @since 1.10.0
		* @experimental This API is experimental and may change in minor releases without prior notice.
		*/
		attach(context) {
			const contextManager = this._getContextManager();
			if (contextManager.attach) return contextManager.attach(context);
			if (!this._attachUnsupportedWarned) {
				this._attachUnsupportedWarned = true;
				require_diag.DiagAPI.instance().warn("The current ContextManager does not implement attach(). The context will not be attached. Use a ContextManager that supports attach() (e.g. AsyncLocalStorageContextManager) or use with()/bind() instead.");
			}
			return NOOP_TOKEN;
		}
		_getContextManager() {
			return require_global_utils.getGlobal(API_NAME) || NOOP_CONTEXT_MANAGER;
		}
		/** Disable and remove the global context manager */
		disable() {
			this._getContextManager().disable();
			require_global_utils.unregisterGlobal(API_NAME, require_diag.DiagAPI.instance());
		}
	};
	//#endregion
	context.ContextAPI = ContextAPI;

	
	return context;
}

var contextUtils = {};

var hasRequiredContextUtils;

function requireContextUtils () {
	if (hasRequiredContextUtils) return contextUtils;
	hasRequiredContextUtils = 1;
	const require_context = /*@__PURE__*/ requireContext$1();
	const require_context$1 = /*@__PURE__*/ requireContext();
	const require_NonRecordingSpan = /*@__PURE__*/ requireNonRecordingSpan();
	//#region src/trace/context-utils.ts
	/**
	* span key
	*/
	const SPAN_KEY = require_context.createContextKey("OpenTelemetry Context Key SPAN");
	/**
	* Return the span if one exists
	*
	* @param context context to get span from
	*/
	function getSpan(context) {
		return context.getValue(SPAN_KEY) || void 0;
	}
	/**
	* Gets the span from the current context, if one exists.
	*/
	function getActiveSpan() {
		return getSpan(require_context$1.ContextAPI.getInstance().active());
	}
	/**
	* Set the span on a context
	*
	* @param context context to use as parent
	* @param span span to set active
	*/
	function setSpan(context, span) {
		return context.setValue(SPAN_KEY, span);
	}
	/**
	* Remove current span stored in the context
	*
	* @param context context to delete span from
	*/
	function deleteSpan(context) {
		return context.deleteValue(SPAN_KEY);
	}
	/**
	* Wrap span context in a NoopSpan and set as span in a new
	* context
	*
	* @param context context to set active span on
	* @param spanContext span context to be wrapped
	*/
	function setSpanContext(context, spanContext) {
		return setSpan(context, new require_NonRecordingSpan.NonRecordingSpan(spanContext));
	}
	/**
	* Get the span context of the span if it exists.
	*
	* @param context context to get values from
	*/
	function getSpanContext(context) {
		var _getSpan;
		return (_getSpan = getSpan(context)) === null || _getSpan === void 0 ? void 0 : _getSpan.spanContext();
	}
	//#endregion
	contextUtils.deleteSpan = deleteSpan;
	contextUtils.getActiveSpan = getActiveSpan;
	contextUtils.getSpan = getSpan;
	contextUtils.getSpanContext = getSpanContext;
	contextUtils.setSpan = setSpan;
	contextUtils.setSpanContext = setSpanContext;

	
	return contextUtils;
}

var hasRequiredNoopTracer;

function requireNoopTracer () {
	if (hasRequiredNoopTracer) return NoopTracer;
	hasRequiredNoopTracer = 1;
	const require_context = /*@__PURE__*/ requireContext();
	const require_NonRecordingSpan = /*@__PURE__*/ requireNonRecordingSpan();
	const require_context_utils = /*@__PURE__*/ requireContextUtils();
	const require_spancontext_utils = /*@__PURE__*/ requireSpancontextUtils();
	//#region src/trace/NoopTracer.ts
	const contextApi = require_context.ContextAPI.getInstance();
	/**
	* No-op implementations of {@link Tracer}.
	*/
	var NoopTracer$1 = class NoopTracer {
		startSpan(name, options, context = contextApi.active()) {
			if (Boolean(options === null || options === void 0 ? void 0 : options.root)) return new require_NonRecordingSpan.NonRecordingSpan();
			const parentFromContext = context && require_context_utils.getSpanContext(context);
			if (isSpanContext(parentFromContext) && require_spancontext_utils.isSpanContextValid(parentFromContext)) return new require_NonRecordingSpan.NonRecordingSpan(parentFromContext);
			else return new require_NonRecordingSpan.NonRecordingSpan();
		}
		startActiveSpan(name, arg2, arg3, arg4) {
			var _ctx;
			let opts;
			let ctx;
			let fn;
			if (arguments.length < 2) return;
			else if (arguments.length === 2) fn = arg2;
			else if (arguments.length === 3) {
				opts = arg2;
				fn = arg3;
			} else {
				opts = arg2;
				ctx = arg3;
				fn = arg4;
			}
			const parentContext = (_ctx = ctx) !== null && _ctx !== void 0 ? _ctx : contextApi.active();
			const span = this.startSpan(name, opts, parentContext);
			const contextWithSpanSet = require_context_utils.setSpan(parentContext, span);
			return contextApi.with(contextWithSpanSet, fn, void 0, span);
		}
	};
	function isSpanContext(spanContext) {
		return spanContext !== null && typeof spanContext === "object" && "spanId" in spanContext && typeof spanContext["spanId"] === "string" && "traceId" in spanContext && typeof spanContext["traceId"] === "string" && "traceFlags" in spanContext && typeof spanContext["traceFlags"] === "number";
	}
	//#endregion
	NoopTracer.NoopTracer = NoopTracer$1;

	
	return NoopTracer;
}

var hasRequiredProxyTracer;

function requireProxyTracer () {
	if (hasRequiredProxyTracer) return ProxyTracer;
	hasRequiredProxyTracer = 1;
	//#region src/trace/ProxyTracer.ts
	const NOOP_TRACER = new (/*@__PURE__*/ requireNoopTracer()).NoopTracer();
	/**
	* Proxy tracer provided by the proxy tracer provider
	*
	* @since 1.0.0
	*/
	var ProxyTracer$1 = class ProxyTracer {
		constructor(provider, name, version, options) {
			this._provider = provider;
			this.name = name;
			this.version = version;
			this.options = options;
		}
		startSpan(name, options, context) {
			return this._getTracer().startSpan(name, options, context);
		}
		startActiveSpan(_name, _options, _context, _fn) {
			const tracer = this._getTracer();
			return Reflect.apply(tracer.startActiveSpan, tracer, arguments);
		}
		/**
		* Try to get a tracer from the proxy tracer provider.
		* If the proxy tracer provider has no delegate, return a noop tracer.
		*/
		_getTracer() {
			if (this._delegate) return this._delegate;
			const tracer = this._provider.getDelegateTracer(this.name, this.version, this.options);
			if (!tracer) return NOOP_TRACER;
			this._delegate = tracer;
			return this._delegate;
		}
	};
	//#endregion
	ProxyTracer.ProxyTracer = ProxyTracer$1;

	
	return ProxyTracer;
}

var span_kind = {};

var hasRequiredSpan_kind;

function requireSpan_kind () {
	if (hasRequiredSpan_kind) return span_kind;
	hasRequiredSpan_kind = 1;
	//#region src/trace/span_kind.ts
	/**
	* @since 1.0.0
	*/
	let SpanKind = /* @__PURE__ */ function(SpanKind) {
		/** Default value. Indicates that the span is used internally. */
		SpanKind[SpanKind["INTERNAL"] = 0] = "INTERNAL";
		/**
		* Indicates that the span covers server-side handling of an RPC or other
		* remote request.
		*/
		SpanKind[SpanKind["SERVER"] = 1] = "SERVER";
		/**
		* Indicates that the span covers the client-side wrapper around an RPC or
		* other remote request.
		*/
		SpanKind[SpanKind["CLIENT"] = 2] = "CLIENT";
		/**
		* Indicates that the span describes producer sending a message to a
		* broker. Unlike client and server, there is no direct critical path latency
		* relationship between producer and consumer spans.
		*/
		SpanKind[SpanKind["PRODUCER"] = 3] = "PRODUCER";
		/**
		* Indicates that the span describes consumer receiving a message from a
		* broker. Unlike client and server, there is no direct critical path latency
		* relationship between producer and consumer spans.
		*/
		SpanKind[SpanKind["CONSUMER"] = 4] = "CONSUMER";
		return SpanKind;
	}({});
	//#endregion
	span_kind.SpanKind = SpanKind;

	
	return span_kind;
}

var status = {};

var hasRequiredStatus;

function requireStatus () {
	if (hasRequiredStatus) return status;
	hasRequiredStatus = 1;
	//#region src/trace/status.ts
	/**
	* An enumeration of status codes.
	*
	* @since 1.0.0
	*/
	let SpanStatusCode = /* @__PURE__ */ function(SpanStatusCode) {
		/**
		* The default status.
		*/
		SpanStatusCode[SpanStatusCode["UNSET"] = 0] = "UNSET";
		/**
		* The operation has been validated by an Application developer or
		* Operator to have completed successfully.
		*/
		SpanStatusCode[SpanStatusCode["OK"] = 1] = "OK";
		/**
		* The operation contains an error.
		*/
		SpanStatusCode[SpanStatusCode["ERROR"] = 2] = "ERROR";
		return SpanStatusCode;
	}({});
	//#endregion
	status.SpanStatusCode = SpanStatusCode;

	
	return status;
}

var utils = {};

var tracestateImpl = {};

var tracestateValidators = {};

var hasRequiredTracestateValidators;

function requireTracestateValidators () {
	if (hasRequiredTracestateValidators) return tracestateValidators;
	hasRequiredTracestateValidators = 1;
	//#region src/trace/internal/tracestate-validators.ts
	const VALID_KEY_CHAR_RANGE = "[_0-9a-z-*/]";
	const VALID_KEY_REGEX = new RegExp(`^(?:${`[a-z]${VALID_KEY_CHAR_RANGE}{0,255}`}|${`[a-z0-9]${VALID_KEY_CHAR_RANGE}{0,240}@[a-z]${VALID_KEY_CHAR_RANGE}{0,13}`})$`);
	const VALID_VALUE_BASE_REGEX = /^[ -~]{0,255}[!-~]$/;
	const INVALID_VALUE_COMMA_EQUAL_REGEX = /,|=/;
	/**
	* Key is opaque string up to 256 characters printable. It MUST begin with a
	* lowercase letter, and can only contain lowercase letters a-z, digits 0-9,
	* underscores _, dashes -, asterisks *, and forward slashes /.
	* For multi-tenant vendor scenarios, an at sign (@) can be used to prefix the
	* vendor name. Vendors SHOULD set the tenant ID at the beginning of the key.
	* see https://www.w3.org/TR/trace-context/#key
	*/
	function validateKey(key) {
		return VALID_KEY_REGEX.test(key);
	}
	/**
	* Value is opaque string up to 256 characters printable ASCII RFC0020
	* characters (i.e., the range 0x20 to 0x7E) except comma , and =.
	*/
	function validateValue(value) {
		return VALID_VALUE_BASE_REGEX.test(value) && !INVALID_VALUE_COMMA_EQUAL_REGEX.test(value);
	}
	//#endregion
	tracestateValidators.validateKey = validateKey;
	tracestateValidators.validateValue = validateValue;

	
	return tracestateValidators;
}

var hasRequiredTracestateImpl;

function requireTracestateImpl () {
	if (hasRequiredTracestateImpl) return tracestateImpl;
	hasRequiredTracestateImpl = 1;
	const require_tracestate_validators = /*@__PURE__*/ requireTracestateValidators();
	//#region src/trace/internal/tracestate-impl.ts
	const MAX_TRACE_STATE_ITEMS = 32;
	const MAX_TRACE_STATE_LEN = 512;
	const LIST_MEMBERS_SEPARATOR = ",";
	const LIST_MEMBER_KEY_VALUE_SPLITTER = "=";
	/**
	* TraceState must be a class and not a simple object type because of the spec
	* requirement (https://www.w3.org/TR/trace-context/#tracestate-field).
	*
	* Here is the list of allowed mutations:
	* - New key-value pair should be added into the beginning of the list
	* - The value of any key can be updated. Modified keys MUST be moved to the
	* beginning of the list.
	*
	* @deprecated Use TraceState from "@opentelemetry/core". This will be removed in the next major version.
	*/
	var TraceStateImpl = class TraceStateImpl {
		constructor(rawTraceState) {
			this._internalState = /* @__PURE__ */ new Map();
			if (rawTraceState) this._parse(rawTraceState);
		}
		set(key, value) {
			const currValue = this._internalState.get(key);
			let newLength = this.serialize().length;
			if (typeof currValue === "string") newLength += value.length - currValue.length;
			else {
				if (this._internalState.size >= MAX_TRACE_STATE_ITEMS) return this;
				newLength += key.length + value.length + (this._internalState.size > 0 ? 2 : 1);
			}
			if (newLength > MAX_TRACE_STATE_LEN) return this;
			const traceState = this._clone();
			if (traceState._internalState.has(key)) traceState._internalState.delete(key);
			traceState._internalState.set(key, value);
			return traceState;
		}
		unset(key) {
			const traceState = this._clone();
			traceState._internalState.delete(key);
			return traceState;
		}
		get(key) {
			return this._internalState.get(key);
		}
		serialize() {
			return Array.from(this._internalState.keys()).reduceRight((agg, key) => {
				agg.push(key + LIST_MEMBER_KEY_VALUE_SPLITTER + this.get(key));
				return agg;
			}, []).join(LIST_MEMBERS_SEPARATOR);
		}
		_parse(rawTraceState) {
			if (rawTraceState.length > MAX_TRACE_STATE_LEN) return;
			this._internalState = rawTraceState.split(LIST_MEMBERS_SEPARATOR).reduceRight((agg, part) => {
				const listMember = part.trim();
				const i = listMember.indexOf(LIST_MEMBER_KEY_VALUE_SPLITTER);
				if (i !== -1) {
					const key = listMember.slice(0, i);
					const value = listMember.slice(i + 1, part.length);
					if (require_tracestate_validators.validateKey(key) && require_tracestate_validators.validateValue(value)) agg.set(key, value);
				}
				return agg;
			}, /* @__PURE__ */ new Map());
			if (this._internalState.size > MAX_TRACE_STATE_ITEMS) this._internalState = new Map(Array.from(this._internalState.entries()).reverse().slice(0, MAX_TRACE_STATE_ITEMS));
		}
		_keys() {
			return Array.from(this._internalState.keys()).reverse();
		}
		_clone() {
			const traceState = new TraceStateImpl();
			traceState._internalState = new Map(this._internalState);
			return traceState;
		}
	};
	//#endregion
	tracestateImpl.TraceStateImpl = TraceStateImpl;

	
	return tracestateImpl;
}

var hasRequiredUtils;

function requireUtils () {
	if (hasRequiredUtils) return utils;
	hasRequiredUtils = 1;
	const require_tracestate_impl = /*@__PURE__*/ requireTracestateImpl();
	//#region src/trace/internal/utils.ts
	/**
	* @deprecated Use TraceState from "@opentelemetry/core". This will be removed in the next major version.
	* @since 1.1.0
	*/
	function createTraceState(rawTraceState) {
		return new require_tracestate_impl.TraceStateImpl(rawTraceState);
	}
	//#endregion
	utils.createTraceState = createTraceState;

	
	return utils;
}

var ProxyTracerProvider = {};

var NoopTracerProvider = {};

var hasRequiredNoopTracerProvider;

function requireNoopTracerProvider () {
	if (hasRequiredNoopTracerProvider) return NoopTracerProvider;
	hasRequiredNoopTracerProvider = 1;
	const require_NoopTracer = /*@__PURE__*/ requireNoopTracer();
	//#region src/trace/NoopTracerProvider.ts
	/**
	* An implementation of the {@link TracerProvider} which returns an impotent
	* Tracer for all calls to `getTracer`.
	*
	* All operations are no-op.
	*/
	var NoopTracerProvider$1 = class NoopTracerProvider {
		getTracer(_name, _version, _options) {
			return new require_NoopTracer.NoopTracer();
		}
	};
	//#endregion
	NoopTracerProvider.NoopTracerProvider = NoopTracerProvider$1;

	
	return NoopTracerProvider;
}

var hasRequiredProxyTracerProvider;

function requireProxyTracerProvider () {
	if (hasRequiredProxyTracerProvider) return ProxyTracerProvider;
	hasRequiredProxyTracerProvider = 1;
	const require_ProxyTracer = /*@__PURE__*/ requireProxyTracer();
	//#region src/trace/ProxyTracerProvider.ts
	const NOOP_TRACER_PROVIDER = new (/*@__PURE__*/ requireNoopTracerProvider()).NoopTracerProvider();
	/**
	* Tracer provider which provides {@link ProxyTracer}s.
	*
	* Before a delegate is set, tracers provided are NoOp.
	*   When a delegate is set, traces are provided from the delegate.
	*   When a delegate is set after tracers have already been provided,
	*   all tracers already provided will use the provided delegate implementation.
	*
	* @deprecated This will be removed in the next major version.
	* @since 1.0.0
	*/
	var ProxyTracerProvider$1 = class ProxyTracerProvider {
		/**
		* Get a {@link ProxyTracer}
		*/
		getTracer(name, version, options) {
			var _this$getDelegateTrac;
			return (_this$getDelegateTrac = this.getDelegateTracer(name, version, options)) !== null && _this$getDelegateTrac !== void 0 ? _this$getDelegateTrac : new require_ProxyTracer.ProxyTracer(this, name, version, options);
		}
		getDelegate() {
			var _this$_delegate;
			return (_this$_delegate = this._delegate) !== null && _this$_delegate !== void 0 ? _this$_delegate : NOOP_TRACER_PROVIDER;
		}
		/**
		* Set the delegate tracer provider
		*/
		setDelegate(delegate) {
			this._delegate = delegate;
		}
		getDelegateTracer(name, version, options) {
			var _this$_delegate2;
			return (_this$_delegate2 = this._delegate) === null || _this$_delegate2 === void 0 ? void 0 : _this$_delegate2.getTracer(name, version, options);
		}
	};
	//#endregion
	ProxyTracerProvider.ProxyTracerProvider = ProxyTracerProvider$1;

	
	return ProxyTracerProvider;
}

var SamplingResult = {};

var hasRequiredSamplingResult;

function requireSamplingResult () {
	if (hasRequiredSamplingResult) return SamplingResult;
	hasRequiredSamplingResult = 1;
	//#region src/trace/SamplingResult.ts
	/**
	* @deprecated use the one declared in @opentelemetry/sdk-trace instead.
	* A sampling decision that determines how a {@link Span} will be recorded
	* and collected.
	*
	* @since 1.0.0
	*/
	let SamplingDecision = /* @__PURE__ */ function(SamplingDecision) {
		/**
		* `Span.isRecording() === false`, span will not be recorded and all events
		* and attributes will be dropped.
		*/
		SamplingDecision[SamplingDecision["NOT_RECORD"] = 0] = "NOT_RECORD";
		/**
		* `Span.isRecording() === true`, but `Sampled` flag in {@link TraceFlags}
		* MUST NOT be set.
		*/
		SamplingDecision[SamplingDecision["RECORD"] = 1] = "RECORD";
		/**
		* `Span.isRecording() === true` AND `Sampled` flag in {@link TraceFlags}
		* MUST be set.
		*/
		SamplingDecision[SamplingDecision["RECORD_AND_SAMPLED"] = 2] = "RECORD_AND_SAMPLED";
		return SamplingDecision;
	}({});
	//#endregion
	SamplingResult.SamplingDecision = SamplingDecision;

	
	return SamplingResult;
}

var contextApi = {};

var hasRequiredContextApi;

function requireContextApi () {
	if (hasRequiredContextApi) return contextApi;
	hasRequiredContextApi = 1;
	//#region src/context-api.ts
	/**
	* Entrypoint for context API
	* @since 1.0.0
	*/
	const context = /*@__PURE__*/ requireContext().ContextAPI.getInstance();
	//#endregion
	contextApi.context = context;

	
	return contextApi;
}

var diagApi = {};

var hasRequiredDiagApi;

function requireDiagApi () {
	if (hasRequiredDiagApi) return diagApi;
	hasRequiredDiagApi = 1;
	//#region src/diag-api.ts
	/**
	* Entrypoint for Diag API.
	* Defines Diagnostic handler used for internal diagnostic logging operations.
	* The default provides a Noop DiagLogger implementation which may be changed via the
	* diag.setLogger(logger: DiagLogger) function.
	*
	* @since 1.0.0
	*/
	const diag = /*@__PURE__*/ requireDiag().DiagAPI.instance();
	//#endregion
	diagApi.diag = diag;

	
	return diagApi;
}

var logsApi = {};

var logs = {};

var ProxyLoggerProvider = {};

var NoopLoggerProvider = {};

var hasRequiredNoopLoggerProvider;

function requireNoopLoggerProvider () {
	if (hasRequiredNoopLoggerProvider) return NoopLoggerProvider;
	hasRequiredNoopLoggerProvider = 1;
	const require_NoopLogger = /*@__PURE__*/ requireNoopLogger();
	//#region src/logs/NoopLoggerProvider.ts
	var NoopLoggerProvider$1 = class NoopLoggerProvider {
		getLogger(_name, _version, _options) {
			return new require_NoopLogger.NoopLogger();
		}
	};
	const NOOP_LOGGER_PROVIDER = new NoopLoggerProvider$1();
	//#endregion
	NoopLoggerProvider.NOOP_LOGGER_PROVIDER = NOOP_LOGGER_PROVIDER;
	NoopLoggerProvider.NoopLoggerProvider = NoopLoggerProvider$1;

	
	return NoopLoggerProvider;
}

var ProxyLogger = {};

var hasRequiredProxyLogger;

function requireProxyLogger () {
	if (hasRequiredProxyLogger) return ProxyLogger;
	hasRequiredProxyLogger = 1;
	const require_NoopLogger = /*@__PURE__*/ requireNoopLogger();
	//#region src/logs/ProxyLogger.ts
	var ProxyLogger$1 = class ProxyLogger {
		constructor(provider, name, version, options) {
			this._provider = provider;
			this.name = name;
			this.version = version;
			this.options = options;
		}
		/**
		* Emit a log record. This method should only be used by log appenders.
		*
		* @param logRecord
		*/
		emit(logRecord) {
			this._getLogger().emit(logRecord);
		}
		enabled(options) {
			return this._getLogger().enabled(options);
		}
		/**
		* Try to get a logger from the proxy logger provider.
		* If the proxy logger provider has no delegate, return a noop logger.
		*/
		_getLogger() {
			if (this._delegate) return this._delegate;
			const logger = this._provider._getDelegateLogger(this.name, this.version, this.options);
			if (!logger) return require_NoopLogger.NOOP_LOGGER;
			this._delegate = logger;
			return this._delegate;
		}
	};
	//#endregion
	ProxyLogger.ProxyLogger = ProxyLogger$1;

	
	return ProxyLogger;
}

var hasRequiredProxyLoggerProvider;

function requireProxyLoggerProvider () {
	if (hasRequiredProxyLoggerProvider) return ProxyLoggerProvider;
	hasRequiredProxyLoggerProvider = 1;
	const require_NoopLoggerProvider = /*@__PURE__*/ requireNoopLoggerProvider();
	const require_ProxyLogger = /*@__PURE__*/ requireProxyLogger();
	//#region src/logs/ProxyLoggerProvider.ts
	var ProxyLoggerProvider$1 = class ProxyLoggerProvider {
		getLogger(name, version, options) {
			var _this$_getDelegateLog;
			return (_this$_getDelegateLog = this._getDelegateLogger(name, version, options)) !== null && _this$_getDelegateLog !== void 0 ? _this$_getDelegateLog : new require_ProxyLogger.ProxyLogger(this, name, version, options);
		}
		/**
		* Get the delegate logger provider.
		* Used by tests only.
		* @internal
		*/
		_getDelegate() {
			var _this$_delegate;
			return (_this$_delegate = this._delegate) !== null && _this$_delegate !== void 0 ? _this$_delegate : require_NoopLoggerProvider.NOOP_LOGGER_PROVIDER;
		}
		/**
		* Set the delegate logger provider
		* @internal
		*/
		_setDelegate(delegate) {
			this._delegate = delegate;
		}
		/**
		* @internal
		*/
		_getDelegateLogger(name, version, options) {
			var _this$_delegate2;
			return (_this$_delegate2 = this._delegate) === null || _this$_delegate2 === void 0 ? void 0 : _this$_delegate2.getLogger(name, version, options);
		}
	};
	//#endregion
	ProxyLoggerProvider.ProxyLoggerProvider = ProxyLoggerProvider$1;

	
	return ProxyLoggerProvider;
}

var hasRequiredLogs;

function requireLogs () {
	if (hasRequiredLogs) return logs;
	hasRequiredLogs = 1;
	const require_global_utils = /*@__PURE__*/ requireGlobalUtils();
	const require_diag = /*@__PURE__*/ requireDiag();
	const require_ProxyLoggerProvider = /*@__PURE__*/ requireProxyLoggerProvider();
	//#region src/api/logs.ts
	const API_NAME = "logs";
	/**
	* Singleton object which represents the entry point to the OpenTelemetry Logs API
	*
	* @since 1.10.0
	*/
	var LogsAPI = class LogsAPI {
		/** Empty private constructor prevents end users from constructing a new instance of the API */
		constructor() {
			this._proxyLoggerProvider = new require_ProxyLoggerProvider.ProxyLoggerProvider();
		}
		/** Get the singleton instance of the Logs API */
		static getInstance() {
			if (!this._instance) this._instance = new LogsAPI();
			return this._instance;
		}
		setGlobalLoggerProvider(provider) {
			const success = require_global_utils.registerGlobal(API_NAME, provider, require_diag.DiagAPI.instance());
			if (success) this._proxyLoggerProvider._setDelegate(provider);
			return success;
		}
		/**
		* Returns the global logger provider.
		*
		* @returns LoggerProvider
		*/
		getLoggerProvider() {
			return require_global_utils.getGlobal(API_NAME) || this._proxyLoggerProvider;
		}
		/**
		* Returns a Logger, creating one if one with the given name, version,
		* schemaUrl, and attributes is not already created.
		*
		* Getting a Logger may be expensive, especially when `attributes` are
		* provided. Reuse Logger instances where possible instead of calling
		* `getLogger()` on hot paths.
		*
		* @param name The name of the logger or instrumentation library.
		* @param version The version of the logger or instrumentation library.
		* @param options The options of the logger or instrumentation library.
		* @returns {@link Logger}
		*/
		getLogger(name, version, options) {
			return this.getLoggerProvider().getLogger(name, version, options);
		}
		/** Remove the global logger provider */
		disable() {
			require_global_utils.unregisterGlobal(API_NAME, require_diag.DiagAPI.instance());
			this._proxyLoggerProvider = new require_ProxyLoggerProvider.ProxyLoggerProvider();
		}
	};
	//#endregion
	logs.LogsAPI = LogsAPI;

	
	return logs;
}

var hasRequiredLogsApi;

function requireLogsApi () {
	if (hasRequiredLogsApi) return logsApi;
	hasRequiredLogsApi = 1;
	//#region src/logs-api.ts
	/**
	* Entrypoint for logs API
	*
	* @since 1.10.0
	*/
	const logs = /*@__PURE__*/ requireLogs().LogsAPI.getInstance();
	//#endregion
	logsApi.logs = logs;

	
	return logsApi;
}

var metricsApi = {};

var metrics = {};

var NoopMeterProvider = {};

var hasRequiredNoopMeterProvider;

function requireNoopMeterProvider () {
	if (hasRequiredNoopMeterProvider) return NoopMeterProvider;
	hasRequiredNoopMeterProvider = 1;
	const require_NoopMeter = /*@__PURE__*/ requireNoopMeter();
	//#region src/metrics/NoopMeterProvider.ts
	/**
	* An implementation of the {@link MeterProvider} which returns an impotent Meter
	* for all calls to `getMeter`
	*/
	var NoopMeterProvider$1 = class NoopMeterProvider {
		getMeter(_name, _version, _options) {
			return require_NoopMeter.NOOP_METER;
		}
	};
	const NOOP_METER_PROVIDER = new NoopMeterProvider$1();
	//#endregion
	NoopMeterProvider.NOOP_METER_PROVIDER = NOOP_METER_PROVIDER;
	NoopMeterProvider.NoopMeterProvider = NoopMeterProvider$1;

	
	return NoopMeterProvider;
}

var hasRequiredMetrics;

function requireMetrics () {
	if (hasRequiredMetrics) return metrics;
	hasRequiredMetrics = 1;
	const require_global_utils = /*@__PURE__*/ requireGlobalUtils();
	const require_diag = /*@__PURE__*/ requireDiag();
	const require_NoopMeterProvider = /*@__PURE__*/ requireNoopMeterProvider();
	//#region src/api/metrics.ts
	const API_NAME = "metrics";
	/**
	* Singleton object which represents the entry point to the OpenTelemetry Metrics API
	*
	* @since 1.4.1
	*/
	var MetricsAPI = class MetricsAPI {
		/** Empty private constructor prevents end users from constructing a new instance of the API */
		constructor() {}
		/** Get the singleton instance of the Metrics API */
		static getInstance() {
			if (!this._instance) this._instance = new MetricsAPI();
			return this._instance;
		}
		/**
		* Set the current global meter provider.
		* Returns true if the meter provider was successfully registered, else false.
		*/
		setGlobalMeterProvider(provider) {
			return require_global_utils.registerGlobal(API_NAME, provider, require_diag.DiagAPI.instance());
		}
		/**
		* Returns the global meter provider.
		*/
		getMeterProvider() {
			return require_global_utils.getGlobal(API_NAME) || require_NoopMeterProvider.NOOP_METER_PROVIDER;
		}
		/**
		* Returns a meter from the global meter provider.
		*/
		getMeter(name, version, options) {
			return this.getMeterProvider().getMeter(name, version, options);
		}
		/** Remove the global meter provider */
		disable() {
			require_global_utils.unregisterGlobal(API_NAME, require_diag.DiagAPI.instance());
		}
	};
	//#endregion
	metrics.MetricsAPI = MetricsAPI;

	
	return metrics;
}

var hasRequiredMetricsApi;

function requireMetricsApi () {
	if (hasRequiredMetricsApi) return metricsApi;
	hasRequiredMetricsApi = 1;
	//#region src/metrics-api.ts
	/**
	* Entrypoint for metrics API
	*
	* @since 1.3.0
	*/
	const metrics = /*@__PURE__*/ requireMetrics().MetricsAPI.getInstance();
	//#endregion
	metricsApi.metrics = metrics;

	
	return metricsApi;
}

var propagationApi = {};

var propagation = {};

var NoopTextMapPropagator = {};

var hasRequiredNoopTextMapPropagator;

function requireNoopTextMapPropagator () {
	if (hasRequiredNoopTextMapPropagator) return NoopTextMapPropagator;
	hasRequiredNoopTextMapPropagator = 1;
	//#region src/propagation/NoopTextMapPropagator.ts
	/**
	* No-op implementations of {@link TextMapPropagator}.
	*/
	var NoopTextMapPropagator$1 = class NoopTextMapPropagator {
		/** Noop inject function does nothing */
		inject(_context, _carrier) {}
		/** Noop extract function does nothing and returns the input context */
		extract(context, _carrier) {
			return context;
		}
		fields() {
			return [];
		}
	};
	//#endregion
	NoopTextMapPropagator.NoopTextMapPropagator = NoopTextMapPropagator$1;

	
	return NoopTextMapPropagator;
}

var contextHelpers = {};

var hasRequiredContextHelpers;

function requireContextHelpers () {
	if (hasRequiredContextHelpers) return contextHelpers;
	hasRequiredContextHelpers = 1;
	const require_context = /*@__PURE__*/ requireContext$1();
	const require_context$1 = /*@__PURE__*/ requireContext();
	//#region src/baggage/context-helpers.ts
	/**
	* Baggage key
	*/
	const BAGGAGE_KEY = require_context.createContextKey("OpenTelemetry Baggage Key");
	/**
	* Retrieve the current baggage from the given context
	*
	* @param {Context} Context that manage all context values
	* @returns {Baggage} Extracted baggage from the context
	*/
	function getBaggage(context) {
		return context.getValue(BAGGAGE_KEY) || void 0;
	}
	/**
	* Retrieve the current baggage from the active/current context
	*
	* @returns {Baggage} Extracted baggage from the context
	*/
	function getActiveBaggage() {
		return getBaggage(require_context$1.ContextAPI.getInstance().active());
	}
	/**
	* Store a baggage in the given context
	*
	* @param {Context} Context that manage all context values
	* @param {Baggage} baggage that will be set in the actual context
	*/
	function setBaggage(context, baggage) {
		return context.setValue(BAGGAGE_KEY, baggage);
	}
	/**
	* Delete the baggage stored in the given context
	*
	* @param {Context} Context that manage all context values
	*/
	function deleteBaggage(context) {
		return context.deleteValue(BAGGAGE_KEY);
	}
	//#endregion
	contextHelpers.deleteBaggage = deleteBaggage;
	contextHelpers.getActiveBaggage = getActiveBaggage;
	contextHelpers.getBaggage = getBaggage;
	contextHelpers.setBaggage = setBaggage;

	
	return contextHelpers;
}

var hasRequiredPropagation;

function requirePropagation () {
	if (hasRequiredPropagation) return propagation;
	hasRequiredPropagation = 1;
	const require_global_utils = /*@__PURE__*/ requireGlobalUtils();
	const require_diag = /*@__PURE__*/ requireDiag();
	const require_utils = /*@__PURE__*/ requireUtils$1();
	const require_TextMapPropagator = /*@__PURE__*/ requireTextMapPropagator();
	const require_NoopTextMapPropagator = /*@__PURE__*/ requireNoopTextMapPropagator();
	const require_context_helpers = /*@__PURE__*/ requireContextHelpers();
	//#region src/api/propagation.ts
	const API_NAME = "propagation";
	const NOOP_TEXT_MAP_PROPAGATOR = new require_NoopTextMapPropagator.NoopTextMapPropagator();
	/**
	* Singleton object which represents the entry point to the OpenTelemetry Propagation API
	*
	* @since 1.0.0
	*/
	var PropagationAPI = class PropagationAPI {
		/** Empty private constructor prevents end users from constructing a new instance of the API */
		constructor() {
			this.createBaggage = require_utils.createBaggage;
			this.getBaggage = require_context_helpers.getBaggage;
			this.getActiveBaggage = require_context_helpers.getActiveBaggage;
			this.setBaggage = require_context_helpers.setBaggage;
			this.deleteBaggage = require_context_helpers.deleteBaggage;
		}
		/** Get the singleton instance of the Propagator API */
		static getInstance() {
			if (!this._instance) this._instance = new PropagationAPI();
			return this._instance;
		}
		/**
		* Set the current propagator.
		*
		* @returns true if the propagator was successfully registered, else false
		*/
		setGlobalPropagator(propagator) {
			return require_global_utils.registerGlobal(API_NAME, propagator, require_diag.DiagAPI.instance());
		}
		/**
		* Inject context into a carrier to be propagated inter-process
		*
		* @param context Context carrying tracing data to inject
		* @param carrier carrier to inject context into
		* @param setter Function used to set values on the carrier
		*/
		inject(context, carrier, setter = require_TextMapPropagator.defaultTextMapSetter) {
			return this._getGlobalPropagator().inject(context, carrier, setter);
		}
		/**
		* Extract context from a carrier
		*
		* @param context Context which the newly created context will inherit from
		* @param carrier Carrier to extract context from
		* @param getter Function used to extract keys from a carrier
		*/
		extract(context, carrier, getter = require_TextMapPropagator.defaultTextMapGetter) {
			return this._getGlobalPropagator().extract(context, carrier, getter);
		}
		/**
		* Return a list of all fields which may be used by the propagator.
		*/
		fields() {
			return this._getGlobalPropagator().fields();
		}
		/** Remove the global propagator */
		disable() {
			require_global_utils.unregisterGlobal(API_NAME, require_diag.DiagAPI.instance());
		}
		_getGlobalPropagator() {
			return require_global_utils.getGlobal(API_NAME) || NOOP_TEXT_MAP_PROPAGATOR;
		}
	};
	//#endregion
	propagation.PropagationAPI = PropagationAPI;

	
	return propagation;
}

var hasRequiredPropagationApi;

function requirePropagationApi () {
	if (hasRequiredPropagationApi) return propagationApi;
	hasRequiredPropagationApi = 1;
	//#region src/propagation-api.ts
	/**
	* Entrypoint for propagation API
	*
	* @since 1.0.0
	*/
	const propagation = /*@__PURE__*/ requirePropagation().PropagationAPI.getInstance();
	//#endregion
	propagationApi.propagation = propagation;

	
	return propagationApi;
}

var traceApi = {};

var trace = {};

var hasRequiredTrace;

function requireTrace () {
	if (hasRequiredTrace) return trace;
	hasRequiredTrace = 1;
	const require_global_utils = /*@__PURE__*/ requireGlobalUtils();
	const require_diag = /*@__PURE__*/ requireDiag();
	const require_context_utils = /*@__PURE__*/ requireContextUtils();
	const require_spancontext_utils = /*@__PURE__*/ requireSpancontextUtils();
	const require_ProxyTracerProvider = /*@__PURE__*/ requireProxyTracerProvider();
	//#region src/api/trace.ts
	const API_NAME = "trace";
	/**
	* Singleton object which represents the entry point to the OpenTelemetry Tracing API
	*
	* @since 1.0.0
	*/
	var TraceAPI = class TraceAPI {
		/** Empty private constructor prevents end users from constructing a new instance of the API */
		constructor() {
			this._proxyTracerProvider = new require_ProxyTracerProvider.ProxyTracerProvider();
			this.wrapSpanContext = require_spancontext_utils.wrapSpanContext;
			this.isSpanContextValid = require_spancontext_utils.isSpanContextValid;
			this.deleteSpan = require_context_utils.deleteSpan;
			this.getSpan = require_context_utils.getSpan;
			this.getActiveSpan = require_context_utils.getActiveSpan;
			this.getSpanContext = require_context_utils.getSpanContext;
			this.setSpan = require_context_utils.setSpan;
			this.setSpanContext = require_context_utils.setSpanContext;
		}
		/** Get the singleton instance of the Trace API */
		static getInstance() {
			if (!this._instance) this._instance = new TraceAPI();
			return this._instance;
		}
		/**
		* Set the current global tracer.
		*
		* @returns true if the tracer provider was successfully registered, else false
		*/
		setGlobalTracerProvider(provider) {
			const success = require_global_utils.registerGlobal(API_NAME, this._proxyTracerProvider, require_diag.DiagAPI.instance());
			if (success) this._proxyTracerProvider.setDelegate(provider);
			return success;
		}
		/**
		* Returns the global tracer provider.
		*/
		getTracerProvider() {
			return require_global_utils.getGlobal(API_NAME) || this._proxyTracerProvider;
		}
		/**
		* Returns a tracer from the global tracer provider.
		*/
		getTracer(name, version) {
			return this.getTracerProvider().getTracer(name, version);
		}
		/** Remove the global tracer provider */
		disable() {
			require_global_utils.unregisterGlobal(API_NAME, require_diag.DiagAPI.instance());
			this._proxyTracerProvider = new require_ProxyTracerProvider.ProxyTracerProvider();
		}
	};
	//#endregion
	trace.TraceAPI = TraceAPI;

	
	return trace;
}

var hasRequiredTraceApi;

function requireTraceApi () {
	if (hasRequiredTraceApi) return traceApi;
	hasRequiredTraceApi = 1;
	//#region src/trace-api.ts
	/**
	* Entrypoint for trace API
	*
	* @since 1.0.0
	*/
	const trace = /*@__PURE__*/ requireTrace().TraceAPI.getInstance();
	//#endregion
	traceApi.trace = trace;

	
	return traceApi;
}

var hasRequiredDist;

function requireDist () {
	if (hasRequiredDist) return dist;
	hasRequiredDist = 1;
	(function (exports) {
		Object.defineProperties(exports, {
			__esModule: { value: true },
			[Symbol.toStringTag]: { value: "Module" }
		});
		const require_types = /*@__PURE__*/ requireTypes();
		const require_utils = /*@__PURE__*/ requireUtils$1();
		const require_context = /*@__PURE__*/ requireContext$1();
		const require_consoleLogger = /*@__PURE__*/ requireConsoleLogger();
		const require_NoopMeter = /*@__PURE__*/ requireNoopMeter();
		const require_Metric = /*@__PURE__*/ requireMetric();
		const require_NoopLogger = /*@__PURE__*/ requireNoopLogger();
		const require_LogRecord = /*@__PURE__*/ requireLogRecord();
		const require_TextMapPropagator = /*@__PURE__*/ requireTextMapPropagator();
		const require_trace_flags = /*@__PURE__*/ requireTrace_flags();
		const require_invalid_span_constants = /*@__PURE__*/ requireInvalidSpanConstants();
		const require_spancontext_utils = /*@__PURE__*/ requireSpancontextUtils();
		const require_ProxyTracer = /*@__PURE__*/ requireProxyTracer();
		const require_span_kind = /*@__PURE__*/ requireSpan_kind();
		const require_status = /*@__PURE__*/ requireStatus();
		const require_utils$1 = /*@__PURE__*/ requireUtils();
		const require_ProxyTracerProvider = /*@__PURE__*/ requireProxyTracerProvider();
		const require_SamplingResult = /*@__PURE__*/ requireSamplingResult();
		const require_context_api = /*@__PURE__*/ requireContextApi();
		const require_diag_api = /*@__PURE__*/ requireDiagApi();
		const require_logs_api = /*@__PURE__*/ requireLogsApi();
		const require_metrics_api = /*@__PURE__*/ requireMetricsApi();
		const require_propagation_api = /*@__PURE__*/ requirePropagationApi();
		const require_trace_api = /*@__PURE__*/ requireTraceApi();
		//#region src/index.ts
		var src_default = {
			context: require_context_api.context,
			diag: require_diag_api.diag,
			logs: require_logs_api.logs,
			metrics: require_metrics_api.metrics,
			propagation: require_propagation_api.propagation,
			trace: require_trace_api.trace
		};
		//#endregion
		exports.DiagConsoleLogger = require_consoleLogger.DiagConsoleLogger;
		exports.DiagLogLevel = require_types.DiagLogLevel;
		exports.INVALID_SPANID = require_invalid_span_constants.INVALID_SPANID;
		exports.INVALID_SPAN_CONTEXT = require_invalid_span_constants.INVALID_SPAN_CONTEXT;
		exports.INVALID_TRACEID = require_invalid_span_constants.INVALID_TRACEID;
		exports.ProxyTracer = require_ProxyTracer.ProxyTracer;
		exports.ProxyTracerProvider = require_ProxyTracerProvider.ProxyTracerProvider;
		exports.ROOT_CONTEXT = require_context.ROOT_CONTEXT;
		exports.SamplingDecision = require_SamplingResult.SamplingDecision;
		exports.SeverityNumber = require_LogRecord.SeverityNumber;
		exports.SpanKind = require_span_kind.SpanKind;
		exports.SpanStatusCode = require_status.SpanStatusCode;
		exports.TraceFlags = require_trace_flags.TraceFlags;
		exports.ValueType = require_Metric.ValueType;
		exports.baggageEntryMetadataFromString = require_utils.baggageEntryMetadataFromString;
		exports.context = require_context_api.context;
		exports.createContextKey = require_context.createContextKey;
		exports.createNoopLogger = require_NoopLogger.createNoopLogger;
		exports.createNoopMeter = require_NoopMeter.createNoopMeter;
		exports.createTraceState = require_utils$1.createTraceState;
		exports.default = src_default;
		exports.defaultTextMapGetter = require_TextMapPropagator.defaultTextMapGetter;
		exports.defaultTextMapSetter = require_TextMapPropagator.defaultTextMapSetter;
		exports.diag = require_diag_api.diag;
		exports.isSpanContextValid = require_spancontext_utils.isSpanContextValid;
		exports.isValidSpanId = require_spancontext_utils.isValidSpanId;
		exports.isValidTraceId = require_spancontext_utils.isValidTraceId;
		exports.logs = require_logs_api.logs;
		exports.metrics = require_metrics_api.metrics;
		exports.propagation = require_propagation_api.propagation;
		exports.trace = require_trace_api.trace;

		
	} (dist));
	return dist;
}

var hasRequiredProcessCpuTotal;

function requireProcessCpuTotal () {
	if (hasRequiredProcessCpuTotal) return processCpuTotal.exports;
	hasRequiredProcessCpuTotal = 1;

	const OtelApi = /*@__PURE__*/ requireDist();
	const Counter = requireCounter();

	const PROCESS_CPU_USER_SECONDS = 'process_cpu_user_seconds_total';
	const PROCESS_CPU_SYSTEM_SECONDS = 'process_cpu_system_seconds_total';
	const PROCESS_CPU_SECONDS = 'process_cpu_seconds_total';

	processCpuTotal.exports = (registry, config = {}) => {
		const registers = registry ? [registry] : undefined;
		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const exemplars = config.enableExemplars ? config.enableExemplars : false;
		const labelNames = Object.keys(labels);

		let lastCpuUsage = process.cpuUsage();

		const cpuUserUsageCounter = new Counter({
			name: namePrefix + PROCESS_CPU_USER_SECONDS,
			help: 'Total user CPU time spent in seconds.',
			enableExemplars: exemplars,
			registers,
			labelNames,
			// Use this one metric's `collect` to set all metrics' values.
			collect() {
				const cpuUsage = process.cpuUsage();

				const userUsageMicros = cpuUsage.user - lastCpuUsage.user;
				const systemUsageMicros = cpuUsage.system - lastCpuUsage.system;

				lastCpuUsage = cpuUsage;

				if (this.enableExemplars) {
					let exemplarLabels = {};
					const currentSpan = OtelApi.trace.getSpan(OtelApi.context.active());
					if (currentSpan) {
						exemplarLabels = {
							traceId: currentSpan.spanContext().traceId,
							spanId: currentSpan.spanContext().spanId,
						};
					}
					cpuUserUsageCounter.inc({
						labels,
						value: userUsageMicros / 1e6,
						exemplarLabels,
					});
					cpuSystemUsageCounter.inc({
						labels,
						value: systemUsageMicros / 1e6,
						exemplarLabels,
					});
					cpuUsageCounter.inc({
						labels,
						value: (userUsageMicros + systemUsageMicros) / 1e6,
						exemplarLabels,
					});
				} else {
					cpuUserUsageCounter.inc(labels, userUsageMicros / 1e6);
					cpuSystemUsageCounter.inc(labels, systemUsageMicros / 1e6);
					cpuUsageCounter.inc(
						labels,
						(userUsageMicros + systemUsageMicros) / 1e6,
					);
				}
			},
		});
		const cpuSystemUsageCounter = new Counter({
			name: namePrefix + PROCESS_CPU_SYSTEM_SECONDS,
			help: 'Total system CPU time spent in seconds.',
			enableExemplars: exemplars,
			registers,
			labelNames,
		});
		const cpuUsageCounter = new Counter({
			name: namePrefix + PROCESS_CPU_SECONDS,
			help: 'Total user and system CPU time spent in seconds.',
			enableExemplars: exemplars,
			registers,
			labelNames,
		});
	};

	processCpuTotal.exports.metricNames = [
		PROCESS_CPU_USER_SECONDS,
		PROCESS_CPU_SYSTEM_SECONDS,
		PROCESS_CPU_SECONDS,
	];
	return processCpuTotal.exports;
}

var processStartTime = {exports: {}};

var hasRequiredProcessStartTime;

function requireProcessStartTime () {
	if (hasRequiredProcessStartTime) return processStartTime.exports;
	hasRequiredProcessStartTime = 1;

	const Gauge = requireGauge();
	const startInSeconds = Math.round(Date.now() / 1000 - process.uptime());

	const PROCESS_START_TIME = 'process_start_time_seconds';

	processStartTime.exports = (registry, config = {}) => {
		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + PROCESS_START_TIME,
			help: 'Start time of the process since unix epoch in seconds.',
			registers: registry ? [registry] : undefined,
			labelNames,
			aggregator: 'omit',
			collect() {
				this.set(labels, startInSeconds);
			},
		});
	};

	processStartTime.exports.metricNames = [PROCESS_START_TIME];
	return processStartTime.exports;
}

var osMemoryHeap = {exports: {}};

var osMemoryHeapLinux = {exports: {}};

var hasRequiredOsMemoryHeapLinux;

function requireOsMemoryHeapLinux () {
	if (hasRequiredOsMemoryHeapLinux) return osMemoryHeapLinux.exports;
	hasRequiredOsMemoryHeapLinux = 1;

	const Gauge = requireGauge();
	const fs = require$$1$2;

	const values = ['VmSize', 'VmRSS', 'VmData'];

	const PROCESS_RESIDENT_MEMORY = 'process_resident_memory_bytes';
	const PROCESS_VIRTUAL_MEMORY = 'process_virtual_memory_bytes';
	const PROCESS_HEAP = 'process_heap_bytes';

	function structureOutput(input) {
		return input.split('\n').reduce((acc, string) => {
			if (!values.some(value => string.startsWith(value))) {
				return acc;
			}

			const split = string.split(':');

			// Get the value
			let value = split[1].trim();
			// Remove trailing ` kb`
			value = value.substr(0, value.length - 3);
			// Make it into a number in bytes bytes
			value = Number(value) * 1024;

			acc[split[0]] = value;

			return acc;
		}, {});
	}

	osMemoryHeapLinux.exports = (registry, config = {}) => {
		const registers = registry ? [registry] : undefined;
		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		const residentMemGauge = new Gauge({
			name: namePrefix + PROCESS_RESIDENT_MEMORY,
			help: 'Resident memory size in bytes.',
			registers,
			labelNames,
			// Use this one metric's `collect` to set all metrics' values.
			collect() {
				try {
					// Sync I/O is often problematic, but /proc isn't really I/O, it
					// a virtual filesystem that maps directly to in-kernel data
					// structures and never blocks.
					//
					// Node.js/libuv do this already for process.memoryUsage(), see:
					// - https://github.com/libuv/libuv/blob/a629688008694ed8022269e66826d4d6ec688b83/src/unix/linux-core.c#L506-L523
					const stat = fs.readFileSync('/proc/self/status', 'utf8');
					const structuredOutput = structureOutput(stat);

					residentMemGauge.set(labels, structuredOutput.VmRSS);
					virtualMemGauge.set(labels, structuredOutput.VmSize);
					heapSizeMemGauge.set(labels, structuredOutput.VmData);
				} catch {
					// noop
				}
			},
		});
		const virtualMemGauge = new Gauge({
			name: namePrefix + PROCESS_VIRTUAL_MEMORY,
			help: 'Virtual memory size in bytes.',
			registers,
			labelNames,
		});
		const heapSizeMemGauge = new Gauge({
			name: namePrefix + PROCESS_HEAP,
			help: 'Process heap size in bytes.',
			registers,
			labelNames,
		});
	};

	osMemoryHeapLinux.exports.metricNames = [
		PROCESS_RESIDENT_MEMORY,
		PROCESS_VIRTUAL_MEMORY,
		PROCESS_HEAP,
	];
	return osMemoryHeapLinux.exports;
}

var safeMemoryUsage_1;
var hasRequiredSafeMemoryUsage;

function requireSafeMemoryUsage () {
	if (hasRequiredSafeMemoryUsage) return safeMemoryUsage_1;
	hasRequiredSafeMemoryUsage = 1;

	// process.memoryUsage() can throw on some platforms, see #67
	function safeMemoryUsage() {
		try {
			return process.memoryUsage();
		} catch {
			return;
		}
	}

	safeMemoryUsage_1 = safeMemoryUsage;
	return safeMemoryUsage_1;
}

var hasRequiredOsMemoryHeap;

function requireOsMemoryHeap () {
	if (hasRequiredOsMemoryHeap) return osMemoryHeap.exports;
	hasRequiredOsMemoryHeap = 1;

	const Gauge = requireGauge();
	const linuxVariant = requireOsMemoryHeapLinux();
	const safeMemoryUsage = requireSafeMemoryUsage();

	const PROCESS_RESIDENT_MEMORY = 'process_resident_memory_bytes';

	function notLinuxVariant(registry, config = {}) {
		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + PROCESS_RESIDENT_MEMORY,
			help: 'Resident memory size in bytes.',
			registers: registry ? [registry] : undefined,
			labelNames,
			collect() {
				const memUsage = safeMemoryUsage();

				// I don't think the other things returned from `process.memoryUsage()` is relevant to a standard export
				if (memUsage) {
					this.set(labels, memUsage.rss);
				}
			},
		});
	}

	osMemoryHeap.exports = (registry, config) =>
		process.platform === 'linux'
			? linuxVariant(registry, config)
			: notLinuxVariant(registry, config);

	osMemoryHeap.exports.metricNames =
		process.platform === 'linux'
			? linuxVariant.metricNames
			: [PROCESS_RESIDENT_MEMORY];
	return osMemoryHeap.exports;
}

var processOpenFileDescriptors = {exports: {}};

var hasRequiredProcessOpenFileDescriptors;

function requireProcessOpenFileDescriptors () {
	if (hasRequiredProcessOpenFileDescriptors) return processOpenFileDescriptors.exports;
	hasRequiredProcessOpenFileDescriptors = 1;

	const Gauge = requireGauge();
	const fs = require$$1$2;
	const process = require$$2$2;

	const PROCESS_OPEN_FDS = 'process_open_fds';

	processOpenFileDescriptors.exports = (registry, config = {}) => {
		if (process.platform !== 'linux') {
			return;
		}

		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + PROCESS_OPEN_FDS,
			help: 'Number of open file descriptors.',
			registers: registry ? [registry] : undefined,
			labelNames,
			collect() {
				try {
					const fds = fs.readdirSync('/proc/self/fd');
					// Minus 1 to not count the fd that was used by readdirSync(),
					// it's now closed.
					this.set(labels, fds.length - 1);
				} catch {
					// noop
				}
			},
		});
	};

	processOpenFileDescriptors.exports.metricNames = [PROCESS_OPEN_FDS];
	return processOpenFileDescriptors.exports;
}

var processMaxFileDescriptors = {exports: {}};

var hasRequiredProcessMaxFileDescriptors;

function requireProcessMaxFileDescriptors () {
	if (hasRequiredProcessMaxFileDescriptors) return processMaxFileDescriptors.exports;
	hasRequiredProcessMaxFileDescriptors = 1;

	const Gauge = requireGauge();
	const fs = require$$1$2;

	const PROCESS_MAX_FDS = 'process_max_fds';

	let maxFds;

	processMaxFileDescriptors.exports = (registry, config = {}) => {
		if (maxFds === undefined) {
			// This will fail if a linux-like procfs is not available.
			try {
				const limits = fs.readFileSync('/proc/self/limits', 'utf8');
				const lines = limits.split('\n');
				for (const line of lines) {
					if (line.startsWith('Max open files')) {
						const parts = line.split(/  +/);
						maxFds = Number(parts[1]);
						break;
					}
				}
			} catch {
				return;
			}
		}

		if (maxFds === undefined) return;

		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + PROCESS_MAX_FDS,
			help: 'Maximum number of open file descriptors.',
			registers: registry ? [registry] : undefined,
			labelNames,
			collect() {
				if (maxFds !== undefined) this.set(labels, maxFds);
			},
		});
	};

	processMaxFileDescriptors.exports.metricNames = [PROCESS_MAX_FDS];
	return processMaxFileDescriptors.exports;
}

var eventLoopLag = {exports: {}};

var hasRequiredEventLoopLag;

function requireEventLoopLag () {
	if (hasRequiredEventLoopLag) return eventLoopLag.exports;
	hasRequiredEventLoopLag = 1;

	const Gauge = requireGauge();

	// Check if perf_hooks module is available
	let perf_hooks;
	try {
		perf_hooks = require('perf_hooks');
	} catch {
		// node version is too old
	}

	// Reported always.
	const NODEJS_EVENTLOOP_LAG = 'nodejs_eventloop_lag_seconds';

	// Reported only when perf_hooks is available.
	const NODEJS_EVENTLOOP_LAG_MIN = 'nodejs_eventloop_lag_min_seconds';
	const NODEJS_EVENTLOOP_LAG_MAX = 'nodejs_eventloop_lag_max_seconds';
	const NODEJS_EVENTLOOP_LAG_MEAN = 'nodejs_eventloop_lag_mean_seconds';
	const NODEJS_EVENTLOOP_LAG_STDDEV = 'nodejs_eventloop_lag_stddev_seconds';
	const NODEJS_EVENTLOOP_LAG_P50 = 'nodejs_eventloop_lag_p50_seconds';
	const NODEJS_EVENTLOOP_LAG_P90 = 'nodejs_eventloop_lag_p90_seconds';
	const NODEJS_EVENTLOOP_LAG_P99 = 'nodejs_eventloop_lag_p99_seconds';

	function reportEventloopLag(start, gauge, labels) {
		const delta = process.hrtime(start);
		const nanosec = delta[0] * 1e9 + delta[1];
		const seconds = nanosec / 1e9;

		gauge.set(labels, seconds);
	}

	eventLoopLag.exports = (registry, config = {}) => {
		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);
		const registers = registry ? [registry] : undefined;

		let collect = () => {
			const start = process.hrtime();
			setImmediate(reportEventloopLag, start, lag, labels);
		};

		if (perf_hooks && perf_hooks.monitorEventLoopDelay) {
			try {
				const histogram = perf_hooks.monitorEventLoopDelay({
					resolution: config.eventLoopMonitoringPrecision,
				});
				histogram.enable();

				collect = () => {
					const start = process.hrtime();
					setImmediate(reportEventloopLag, start, lag, labels);

					lagMin.set(labels, histogram.min / 1e9);
					lagMax.set(labels, histogram.max / 1e9);
					lagMean.set(labels, histogram.mean / 1e9);
					lagStddev.set(labels, histogram.stddev / 1e9);
					lagP50.set(labels, histogram.percentile(50) / 1e9);
					lagP90.set(labels, histogram.percentile(90) / 1e9);
					lagP99.set(labels, histogram.percentile(99) / 1e9);

					histogram.reset();
				};
			} catch (e) {
				if (e.code === 'ERR_NOT_IMPLEMENTED') {
					return; // Bun
				}

				throw e;
			}
		}

		const lag = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG,
			help: 'Lag of event loop in seconds.',
			registers,
			labelNames,
			aggregator: 'average',
			// Use this one metric's `collect` to set all metrics' values.
			collect,
		});
		const lagMin = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG_MIN,
			help: 'The minimum recorded event loop delay.',
			registers,
			labelNames,
			aggregator: 'min',
		});
		const lagMax = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG_MAX,
			help: 'The maximum recorded event loop delay.',
			registers,
			labelNames,
			aggregator: 'max',
		});
		const lagMean = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG_MEAN,
			help: 'The mean of the recorded event loop delays.',
			registers,
			labelNames,
			aggregator: 'average',
		});
		const lagStddev = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG_STDDEV,
			help: 'The standard deviation of the recorded event loop delays.',
			registers,
			labelNames,
			aggregator: 'average',
		});
		const lagP50 = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG_P50,
			help: 'The 50th percentile of the recorded event loop delays.',
			registers,
			labelNames,
			aggregator: 'average',
		});
		const lagP90 = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG_P90,
			help: 'The 90th percentile of the recorded event loop delays.',
			registers,
			labelNames,
			aggregator: 'average',
		});
		const lagP99 = new Gauge({
			name: namePrefix + NODEJS_EVENTLOOP_LAG_P99,
			help: 'The 99th percentile of the recorded event loop delays.',
			registers,
			labelNames,
			aggregator: 'average',
		});
	};

	eventLoopLag.exports.metricNames = [
		NODEJS_EVENTLOOP_LAG,
		NODEJS_EVENTLOOP_LAG_MIN,
		NODEJS_EVENTLOOP_LAG_MAX,
		NODEJS_EVENTLOOP_LAG_MEAN,
		NODEJS_EVENTLOOP_LAG_STDDEV,
		NODEJS_EVENTLOOP_LAG_P50,
		NODEJS_EVENTLOOP_LAG_P90,
		NODEJS_EVENTLOOP_LAG_P99,
	];
	return eventLoopLag.exports;
}

var processHandles = {exports: {}};

var processMetricsHelpers;
var hasRequiredProcessMetricsHelpers;

function requireProcessMetricsHelpers () {
	if (hasRequiredProcessMetricsHelpers) return processMetricsHelpers;
	hasRequiredProcessMetricsHelpers = 1;

	function aggregateByObjectName(list) {
		const data = {};

		for (let i = 0; i < list.length; i++) {
			const listElement = list[i];

			if (!listElement || typeof listElement.constructor === 'undefined') {
				continue;
			}

			if (Object.hasOwnProperty.call(data, listElement.constructor.name)) {
				data[listElement.constructor.name] += 1;
			} else {
				data[listElement.constructor.name] = 1;
			}
		}
		return data;
	}

	function updateMetrics(gauge, data, labels) {
		gauge.reset();
		for (const key in data) {
			gauge.set(Object.assign({ type: key }, labels || {}), data[key]);
		}
	}

	processMetricsHelpers = {
		aggregateByObjectName,
		updateMetrics,
	};
	return processMetricsHelpers;
}

var hasRequiredProcessHandles;

function requireProcessHandles () {
	if (hasRequiredProcessHandles) return processHandles.exports;
	hasRequiredProcessHandles = 1;

	const { aggregateByObjectName } = requireProcessMetricsHelpers();
	const { updateMetrics } = requireProcessMetricsHelpers();
	const Gauge = requireGauge();

	const NODEJS_ACTIVE_HANDLES = 'nodejs_active_handles';
	const NODEJS_ACTIVE_HANDLES_TOTAL = 'nodejs_active_handles_total';

	processHandles.exports = (registry, config = {}) => {
		// Don't do anything if the function is removed in later nodes (exists in node@6-12...)
		if (typeof process._getActiveHandles !== 'function') {
			return;
		}

		const registers = registry ? [registry] : undefined;
		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + NODEJS_ACTIVE_HANDLES,
			help: 'Number of active libuv handles grouped by handle type. Every handle type is C++ class name.',
			labelNames: ['type', ...labelNames],
			registers,
			collect() {
				const handles = process._getActiveHandles();
				updateMetrics(this, aggregateByObjectName(handles), labels);
			},
		});
		new Gauge({
			name: namePrefix + NODEJS_ACTIVE_HANDLES_TOTAL,
			help: 'Total number of active handles.',
			registers,
			labelNames,
			collect() {
				const handles = process._getActiveHandles();
				this.set(labels, handles.length);
			},
		});
	};

	processHandles.exports.metricNames = [
		NODEJS_ACTIVE_HANDLES,
		NODEJS_ACTIVE_HANDLES_TOTAL,
	];
	return processHandles.exports;
}

var processRequests = {exports: {}};

var hasRequiredProcessRequests;

function requireProcessRequests () {
	if (hasRequiredProcessRequests) return processRequests.exports;
	hasRequiredProcessRequests = 1;
	const Gauge = requireGauge();
	const { aggregateByObjectName } = requireProcessMetricsHelpers();
	const { updateMetrics } = requireProcessMetricsHelpers();

	const NODEJS_ACTIVE_REQUESTS = 'nodejs_active_requests';
	const NODEJS_ACTIVE_REQUESTS_TOTAL = 'nodejs_active_requests_total';

	processRequests.exports = (registry, config = {}) => {
		// Don't do anything if the function is removed in later nodes (exists in node@6)
		if (typeof process._getActiveRequests !== 'function') {
			return;
		}

		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + NODEJS_ACTIVE_REQUESTS,
			help: 'Number of active libuv requests grouped by request type. Every request type is C++ class name.',
			labelNames: ['type', ...labelNames],
			registers: registry ? [registry] : undefined,
			collect() {
				const requests = process._getActiveRequests();
				updateMetrics(this, aggregateByObjectName(requests), labels);
			},
		});

		new Gauge({
			name: namePrefix + NODEJS_ACTIVE_REQUESTS_TOTAL,
			help: 'Total number of active requests.',
			registers: registry ? [registry] : undefined,
			labelNames,
			collect() {
				const requests = process._getActiveRequests();
				this.set(labels, requests.length);
			},
		});
	};

	processRequests.exports.metricNames = [
		NODEJS_ACTIVE_REQUESTS,
		NODEJS_ACTIVE_REQUESTS_TOTAL,
	];
	return processRequests.exports;
}

var processResources = {exports: {}};

var hasRequiredProcessResources;

function requireProcessResources () {
	if (hasRequiredProcessResources) return processResources.exports;
	hasRequiredProcessResources = 1;
	const Gauge = requireGauge();
	const { updateMetrics } = requireProcessMetricsHelpers();

	const NODEJS_ACTIVE_RESOURCES = 'nodejs_active_resources';
	const NODEJS_ACTIVE_RESOURCES_TOTAL = 'nodejs_active_resources_total';

	processResources.exports = (registry, config = {}) => {
		// Don't do anything if the function does not exist in previous nodes (exists in node@17.3.0)
		if (typeof process.getActiveResourcesInfo !== 'function') {
			return;
		}

		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + NODEJS_ACTIVE_RESOURCES,
			help: 'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.',
			labelNames: ['type', ...labelNames],
			registers: registry ? [registry] : undefined,
			collect() {
				const resources = process.getActiveResourcesInfo();

				const data = {};

				for (let i = 0; i < resources.length; i++) {
					const resource = resources[i];

					if (Object.hasOwn(data, resource)) {
						data[resource] += 1;
					} else {
						data[resource] = 1;
					}
				}

				updateMetrics(this, data, labels);
			},
		});

		new Gauge({
			name: namePrefix + NODEJS_ACTIVE_RESOURCES_TOTAL,
			help: 'Total number of active resources.',
			registers: registry ? [registry] : undefined,
			labelNames,
			collect() {
				const resources = process.getActiveResourcesInfo();
				this.set(labels, resources.length);
			},
		});
	};

	processResources.exports.metricNames = [
		NODEJS_ACTIVE_RESOURCES,
		NODEJS_ACTIVE_RESOURCES_TOTAL,
	];
	return processResources.exports;
}

var heapSizeAndUsed = {exports: {}};

var hasRequiredHeapSizeAndUsed;

function requireHeapSizeAndUsed () {
	if (hasRequiredHeapSizeAndUsed) return heapSizeAndUsed.exports;
	hasRequiredHeapSizeAndUsed = 1;

	const Gauge = requireGauge();
	const safeMemoryUsage = requireSafeMemoryUsage();

	const NODEJS_HEAP_SIZE_TOTAL = 'nodejs_heap_size_total_bytes';
	const NODEJS_HEAP_SIZE_USED = 'nodejs_heap_size_used_bytes';
	const NODEJS_EXTERNAL_MEMORY = 'nodejs_external_memory_bytes';

	heapSizeAndUsed.exports = (registry, config = {}) => {
		if (typeof process.memoryUsage !== 'function') {
			return;
		}
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		const registers = registry ? [registry] : undefined;
		const namePrefix = config.prefix ? config.prefix : '';
		const collect = () => {
			const memUsage = safeMemoryUsage();
			if (memUsage) {
				heapSizeTotal.set(labels, memUsage.heapTotal);
				heapSizeUsed.set(labels, memUsage.heapUsed);
				if (memUsage.external !== undefined) {
					externalMemUsed.set(labels, memUsage.external);
				}
			}
		};

		const heapSizeTotal = new Gauge({
			name: namePrefix + NODEJS_HEAP_SIZE_TOTAL,
			help: 'Process heap size from Node.js in bytes.',
			registers,
			labelNames,
			// Use this one metric's `collect` to set all metrics' values.
			collect,
		});
		const heapSizeUsed = new Gauge({
			name: namePrefix + NODEJS_HEAP_SIZE_USED,
			help: 'Process heap size used from Node.js in bytes.',
			registers,
			labelNames,
		});
		const externalMemUsed = new Gauge({
			name: namePrefix + NODEJS_EXTERNAL_MEMORY,
			help: 'Node.js external memory size in bytes.',
			registers,
			labelNames,
		});
	};

	heapSizeAndUsed.exports.metricNames = [
		NODEJS_HEAP_SIZE_TOTAL,
		NODEJS_HEAP_SIZE_USED,
		NODEJS_EXTERNAL_MEMORY,
	];
	return heapSizeAndUsed.exports;
}

var heapSpacesSizeAndUsed = {exports: {}};

var hasRequiredHeapSpacesSizeAndUsed;

function requireHeapSpacesSizeAndUsed () {
	if (hasRequiredHeapSpacesSizeAndUsed) return heapSpacesSizeAndUsed.exports;
	hasRequiredHeapSpacesSizeAndUsed = 1;

	const Gauge = requireGauge();
	const v8 = require$$1$3;

	const METRICS = ['total', 'used', 'available'];
	const NODEJS_HEAP_SIZE = {};

	METRICS.forEach(metricType => {
		NODEJS_HEAP_SIZE[metricType] = `nodejs_heap_space_size_${metricType}_bytes`;
	});

	heapSpacesSizeAndUsed.exports = (registry, config = {}) => {
		try {
			v8.getHeapSpaceStatistics();
		} catch (e) {
			if (e.code === 'ERR_NOT_IMPLEMENTED') {
				return; // Bun
			}
			throw e;
		}
		const registers = registry ? [registry] : undefined;
		const namePrefix = config.prefix ? config.prefix : '';

		const labels = config.labels ? config.labels : {};
		const labelNames = ['space', ...Object.keys(labels)];

		const gauges = {};

		METRICS.forEach(metricType => {
			gauges[metricType] = new Gauge({
				name: namePrefix + NODEJS_HEAP_SIZE[metricType],
				help: `Process heap space size ${metricType} from Node.js in bytes.`,
				labelNames,
				registers,
			});
		});

		// Use this one metric's `collect` to set all metrics' values.
		gauges.total.collect = () => {
			for (const space of v8.getHeapSpaceStatistics()) {
				const spaceName = space.space_name.substr(
					0,
					space.space_name.indexOf('_space'),
				);

				gauges.total.set({ space: spaceName, ...labels }, space.space_size);
				gauges.used.set({ space: spaceName, ...labels }, space.space_used_size);
				gauges.available.set(
					{ space: spaceName, ...labels },
					space.space_available_size,
				);
			}
		};
	};

	heapSpacesSizeAndUsed.exports.metricNames = Object.values(NODEJS_HEAP_SIZE);
	return heapSpacesSizeAndUsed.exports;
}

var version = {exports: {}};

var hasRequiredVersion;

function requireVersion () {
	if (hasRequiredVersion) return version.exports;
	hasRequiredVersion = 1;

	const Gauge = requireGauge();
	const version$1 = process.version;
	const versionSegments = version$1.slice(1).split('.').map(Number);

	const NODE_VERSION_INFO = 'nodejs_version_info';

	version.exports = (registry, config = {}) => {
		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);

		new Gauge({
			name: namePrefix + NODE_VERSION_INFO,
			help: 'Node.js version info.',
			labelNames: ['version', 'major', 'minor', 'patch', ...labelNames],
			registers: registry ? [registry] : undefined,
			aggregator: 'first',
			collect() {
				// Needs to be in collect() so value is present even if reg is reset
				this.labels(
					version$1,
					versionSegments[0],
					versionSegments[1],
					versionSegments[2],
					...Object.values(labels),
				).set(1);
			},
		});
	};

	version.exports.metricNames = [NODE_VERSION_INFO];
	return version.exports;
}

var gc = {exports: {}};

var hasRequiredGc;

function requireGc () {
	if (hasRequiredGc) return gc.exports;
	hasRequiredGc = 1;
	const Histogram = requireHistogram();

	let perf_hooks;

	try {
		// eslint-disable-next-line
		perf_hooks = require('perf_hooks');
	} catch {
		// node version is too old
	}

	const NODEJS_GC_DURATION_SECONDS = 'nodejs_gc_duration_seconds';
	const DEFAULT_GC_DURATION_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];

	const kinds = [];

	if (perf_hooks && perf_hooks.constants) {
		kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_MAJOR] = 'major';
		kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_MINOR] = 'minor';
		kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_INCREMENTAL] = 'incremental';
		kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_WEAKCB] = 'weakcb';
	}

	gc.exports = (registry, config = {}) => {
		if (!perf_hooks) {
			return;
		}

		const namePrefix = config.prefix ? config.prefix : '';
		const labels = config.labels ? config.labels : {};
		const labelNames = Object.keys(labels);
		const buckets = config.gcDurationBuckets
			? config.gcDurationBuckets
			: DEFAULT_GC_DURATION_BUCKETS;
		const gcHistogram = new Histogram({
			name: namePrefix + NODEJS_GC_DURATION_SECONDS,
			help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
			labelNames: ['kind', ...labelNames],
			enableExemplars: false,
			buckets,
			registers: registry ? [registry] : undefined,
		});

		const obs = new perf_hooks.PerformanceObserver(list => {
			const entry = list.getEntries()[0];
			// Node < 16 uses entry.kind
			// Node >= 16 uses entry.detail.kind
			// See: https://nodejs.org/docs/latest-v16.x/api/deprecations.html#deprecations_dep0152_extension_performanceentry_properties
			const kind = entry.detail ? kinds[entry.detail.kind] : kinds[entry.kind];
			// Convert duration from milliseconds to seconds
			gcHistogram.observe(Object.assign({ kind }, labels), entry.duration / 1000);
		});

		obs.observe({ entryTypes: ['gc'] });
	};

	gc.exports.metricNames = [NODEJS_GC_DURATION_SECONDS];
	return gc.exports;
}

var hasRequiredDefaultMetrics;

function requireDefaultMetrics () {
	if (hasRequiredDefaultMetrics) return defaultMetrics.exports;
	hasRequiredDefaultMetrics = 1;

	const { isObject } = requireUtil();

	// Default metrics.
	const processCpuTotal = requireProcessCpuTotal();
	const processStartTime = requireProcessStartTime();
	const osMemoryHeap = requireOsMemoryHeap();
	const processOpenFileDescriptors = requireProcessOpenFileDescriptors();
	const processMaxFileDescriptors = requireProcessMaxFileDescriptors();
	const eventLoopLag = requireEventLoopLag();
	const processHandles = requireProcessHandles();
	const processRequests = requireProcessRequests();
	const processResources = requireProcessResources();
	const heapSizeAndUsed = requireHeapSizeAndUsed();
	const heapSpacesSizeAndUsed = requireHeapSpacesSizeAndUsed();
	const version = requireVersion();
	const gc = requireGc();

	const metrics = {
		processCpuTotal,
		processStartTime,
		osMemoryHeap,
		processOpenFileDescriptors,
		processMaxFileDescriptors,
		eventLoopLag,
		...(typeof process.getActiveResourcesInfo === 'function'
			? { processResources }
			: {}),
		processHandles,
		processRequests,
		heapSizeAndUsed,
		heapSpacesSizeAndUsed,
		version,
		gc,
	};
	const metricsList = Object.keys(metrics);

	defaultMetrics.exports = function collectDefaultMetrics(config) {
		if (config !== null && config !== undefined && !isObject(config)) {
			throw new TypeError('config must be null, undefined, or an object');
		}

		config = { eventLoopMonitoringPrecision: 10, ...config };

		for (const metric of Object.values(metrics)) {
			metric(config.register, config);
		}
	};

	defaultMetrics.exports.metricsList = metricsList;
	return defaultMetrics.exports;
}

var metricAggregators = {};

var hasRequiredMetricAggregators;

function requireMetricAggregators () {
	if (hasRequiredMetricAggregators) return metricAggregators;
	hasRequiredMetricAggregators = 1;

	const { Grouper, hashObject } = requireUtil();

	/**
	 * Returns a new function that applies the `aggregatorFn` to the values.
	 * @param {Function} aggregatorFn function to apply to values.
	 * @return {Function} aggregator function
	 */
	function AggregatorFactory(aggregatorFn) {
		return metrics => {
			if (metrics.length === 0) return;
			const result = {
				help: metrics[0].help,
				name: metrics[0].name,
				type: metrics[0].type,
				values: [],
				aggregator: metrics[0].aggregator,
			};
			// Gather metrics by metricName and labels.
			const byLabels = new Grouper();
			metrics.forEach(metric => {
				metric.values.forEach(value => {
					const key = hashObject(value.labels);
					byLabels.add(`${value.metricName}_${key}`, value);
				});
			});
			// Apply aggregator function to gathered metrics.
			byLabels.forEach(values => {
				if (values.length === 0) return;
				const valObj = {
					value: aggregatorFn(values),
					labels: values[0].labels,
				};
				if (values[0].metricName) {
					valObj.metricName = values[0].metricName;
				}
				// NB: Timestamps are omitted.
				result.values.push(valObj);
			});
			return result;
		};
	}
	// Export for users to define their own aggregation methods.
	metricAggregators.AggregatorFactory = AggregatorFactory;

	/**
	 * Functions that can be used to aggregate metrics from multiple registries.
	 */
	metricAggregators.aggregators = {
		/**
		 * @return The sum of values.
		 */
		sum: AggregatorFactory(v => v.reduce((p, c) => p + c.value, 0)),
		/**
		 * @return The first value.
		 */
		first: AggregatorFactory(v => v[0].value),
		/**
		 * @return {undefined} Undefined; omits the metric.
		 */
		omit: () => {},
		/**
		 * @return The arithmetic mean of the values.
		 */
		average: AggregatorFactory(
			v => v.reduce((p, c) => p + c.value, 0) / v.length,
		),
		/**
		 * @return The minimum of the values.
		 */
		min: AggregatorFactory(v =>
			v.reduce((p, c) => Math.min(p, c.value), Infinity),
		),
		/**
		 * @return The maximum of the values.
		 */
		max: AggregatorFactory(v =>
			v.reduce((p, c) => Math.max(p, c.value), -Infinity),
		),
	};
	return metricAggregators;
}

var cluster_1;
var hasRequiredCluster;

function requireCluster () {
	if (hasRequiredCluster) return cluster_1;
	hasRequiredCluster = 1;

	/**
	 * Extends the Registry class with a `clusterMetrics` method that returns
	 * aggregated metrics for all workers.
	 *
	 * In cluster workers, listens for and responds to requests for metrics by the
	 * cluster master.
	 */

	const Registry = requireRegistry();
	const { Grouper } = requireUtil();
	const { aggregators } = requireMetricAggregators();
	// We need to lazy-load the 'cluster' module as some application servers -
	// namely Passenger - crash when it is imported.
	let cluster = () => {
		const data = require$$3$3;
		cluster = () => data;
		return data;
	};

	const GET_METRICS_REQ = 'prom-client:getMetricsReq';
	const GET_METRICS_RES = 'prom-client:getMetricsRes';

	let registries = [Registry.globalRegistry];
	let requestCtr = 0; // Concurrency control
	let listenersAdded = false;
	const requests = new Map(); // Pending requests for workers' local metrics.

	class AggregatorRegistry extends Registry {
		constructor(regContentType = Registry.PROMETHEUS_CONTENT_TYPE) {
			super(regContentType);
			addListeners();
		}

		/**
		 * Gets aggregated metrics for all workers. The optional callback and
		 * returned Promise resolve with the same value; either may be used.
		 * @return {Promise<string>} Promise that resolves with the aggregated
		 *   metrics.
		 */
		clusterMetrics() {
			const requestId = requestCtr++;

			return new Promise((resolve, reject) => {
				let settled = false;
				function done(err, result) {
					if (settled) return;
					settled = true;
					if (err) reject(err);
					else resolve(result);
				}

				const request = {
					responses: [],
					pending: 0,
					done,
					errorTimeout: setTimeout(() => {
						const err = new Error('Operation timed out.');
						request.done(err);
					}, 5000),
				};
				requests.set(requestId, request);

				const message = {
					type: GET_METRICS_REQ,
					requestId,
				};

				for (const id in cluster().workers) {
					// If the worker exits abruptly, it may still be in the workers
					// list but not able to communicate.
					if (cluster().workers[id].isConnected()) {
						cluster().workers[id].send(message);
						request.pending++;
					}
				}

				if (request.pending === 0) {
					// No workers were up
					clearTimeout(request.errorTimeout);
					process.nextTick(() => done(null, ''));
				}
			});
		}

		get contentType() {
			return super.contentType;
		}

		/**
		 * Creates a new Registry instance from an array of metrics that were
		 * created by `registry.getMetricsAsJSON()`. Metrics are aggregated using
		 * the method specified by their `aggregator` property, or by summation if
		 * `aggregator` is undefined.
		 * @param {Array} metricsArr Array of metrics, each of which created by
		 *   `registry.getMetricsAsJSON()`.
		 * @param {string} registryType content type of the new registry. Defaults
		 * to PROMETHEUS_CONTENT_TYPE.
		 * @return {Registry} aggregated registry.
		 */
		static aggregate(
			metricsArr,
			registryType = Registry.PROMETHEUS_CONTENT_TYPE,
		) {
			const aggregatedRegistry = new Registry();
			const metricsByName = new Grouper();

			aggregatedRegistry.setContentType(registryType);

			// Gather by name
			metricsArr.forEach(metrics => {
				metrics.forEach(metric => {
					metricsByName.add(metric.name, metric);
				});
			});

			// Aggregate gathered metrics.
			metricsByName.forEach(metrics => {
				const aggregatorName = metrics[0].aggregator;
				const aggregatorFn = aggregators[aggregatorName];
				if (typeof aggregatorFn !== 'function') {
					throw new Error(`'${aggregatorName}' is not a defined aggregator.`);
				}
				const aggregatedMetric = aggregatorFn(metrics);
				// NB: The 'omit' aggregator returns undefined.
				if (aggregatedMetric) {
					const aggregatedMetricWrapper = Object.assign(
						{
							get: () => aggregatedMetric,
						},
						aggregatedMetric,
					);
					aggregatedRegistry.registerMetric(aggregatedMetricWrapper);
				}
			});

			return aggregatedRegistry;
		}

		/**
		 * Sets the registry or registries to be aggregated. Call from workers to
		 * use a registry/registries other than the default global registry.
		 * @param {Array<Registry>|Registry} regs Registry or registries to be
		 *   aggregated.
		 * @return {void}
		 */
		static setRegistries(regs) {
			if (!Array.isArray(regs)) regs = [regs];
			regs.forEach(reg => {
				if (!(reg instanceof Registry)) {
					throw new TypeError(`Expected Registry, got ${typeof reg}`);
				}
			});
			registries = regs;
		}
	}

	/**
	 * Adds event listeners for cluster aggregation. Idempotent (safe to call more
	 * than once).
	 * @return {void}
	 */
	function addListeners() {
		if (listenersAdded) return;
		listenersAdded = true;

		if (cluster().isMaster) {
			// Listen for worker responses to requests for local metrics
			cluster().on('message', (worker, message) => {
				if (message.type === GET_METRICS_RES) {
					const request = requests.get(message.requestId);

					if (message.error) {
						request.done(new Error(message.error));
						return;
					}

					message.metrics.forEach(registry => request.responses.push(registry));
					request.pending--;

					if (request.pending === 0) {
						// finalize
						requests.delete(message.requestId);
						clearTimeout(request.errorTimeout);

						const registry = AggregatorRegistry.aggregate(request.responses);
						const promString = registry.metrics();
						request.done(null, promString);
					}
				}
			});
		}

		if (cluster().isWorker) {
			// Respond to master's requests for worker's local metrics.
			process.on('message', message => {
				if (message.type === GET_METRICS_REQ) {
					Promise.all(registries.map(r => r.getMetricsAsJSON()))
						.then(metrics => {
							process.send({
								type: GET_METRICS_RES,
								requestId: message.requestId,
								metrics,
							});
						})
						.catch(error => {
							process.send({
								type: GET_METRICS_RES,
								requestId: message.requestId,
								error: error.message,
							});
						});
				}
			});
		}
	}

	cluster_1 = AggregatorRegistry;
	return cluster_1;
}

/**
 * Prometheus client
 * @module Prometheus client
 */

var hasRequiredPromClient;

function requirePromClient () {
	if (hasRequiredPromClient) return promClient;
	hasRequiredPromClient = 1;
	(function (exports) {

		exports.register = requireRegistry().globalRegistry;
		exports.Registry = requireRegistry();
		Object.defineProperty(exports, 'contentType', {
			configurable: false,
			enumerable: true,
			get() {
				return exports.register.contentType;
			},
			set(value) {
				exports.register.setContentType(value);
			},
		});
		exports.prometheusContentType = exports.Registry.PROMETHEUS_CONTENT_TYPE;
		exports.openMetricsContentType = exports.Registry.OPENMETRICS_CONTENT_TYPE;
		exports.validateMetricName = requireValidation().validateMetricName;

		exports.Counter = requireCounter();
		exports.Gauge = requireGauge();
		exports.Histogram = requireHistogram();
		exports.Summary = requireSummary();
		exports.Pushgateway = requirePushgateway();

		exports.linearBuckets = requireBucketGenerators().linearBuckets;
		exports.exponentialBuckets =
			requireBucketGenerators().exponentialBuckets;

		exports.collectDefaultMetrics = requireDefaultMetrics();

		exports.aggregators = requireMetricAggregators().aggregators;
		exports.AggregatorRegistry = requireCluster(); 
	} (promClient));
	return promClient;
}

var promClientExports = requirePromClient();

// Pushes a run's gauges to a Prometheus Pushgateway with prom-client's client. A push is a
// by-product: a failure is a warning to print, never an error, and never changes the verdict.
/** The Pushgateway's job label of every push. */
const PUSH_JOB = 'go-memgate';
const PUSH_TIMEOUT_MS = 10_000;
/**
 * PUT: the group (job, then `grouping` in order) holds exactly this run afterwards, so a
 * run measured again on the same commit replaces the earlier one.
 */
async function pushRun(registry, gatewayUrl, grouping, timeoutMs = PUSH_TIMEOUT_MS) {
    const gateway = new promClientExports.Pushgateway(gatewayUrl, { timeout: timeoutMs }, registry);
    const started = performance$1.now();
    try {
        await gateway.push({ jobName: PUSH_JOB, groupings: groupingPath(grouping) });
        return { roundTripMs: performance$1.now() - started };
    }
    catch (e) {
        const why = stripControl(e.message)
            .replace(/\s+/g, ' ')
            .trim()
            .slice(0, 200);
        return {
            roundTripMs: performance$1.now() - started,
            warning: `pushgateway-url: ${redactUrl(gatewayUrl)}: ${why}; the run was not pushed, the verdict stands`
        };
    }
}
/**
 * The grouping key as the Pushgateway reads it from the URL path: a value with a "/" (a
 * repository "owner/name", a branch "feature/x") or an empty one is sent base64url-encoded
 * under "label@base64", as the gateway's own clients do.
 */
function groupingPath(grouping) {
    return Object.fromEntries(Object.entries(grouping).map(([label, value]) => value === '' || value.includes('/')
        ? [`${label}@base64`, Buffer.from(value).toString('base64url') || '=']
        : [label, value]));
}

const CHART_COLOURS = {
    base: { hex: '#2f81f7', name: 'blue' },
    head: { hex: '#e8590c', name: 'orange' },
    limit: { hex: '#848d97', name: 'grey' }
};
const MAX_POINTS = 40;
/** The chart as a mermaid block; null when every line holds one value throughout (nothing to see). */
function xyChart(req) {
    const scale = req.scale ?? 1;
    const longest = req.lines.reduce((a, b) => (b.samples.length > a.samples.length ? b : a));
    const stride = Math.max(1, Math.ceil(longest.samples.length / MAX_POINTS));
    const picked = (s) => s.filter((_, i) => i % stride === 0);
    const times = picked(longest.samples).map((s) => s.t);
    const data = req.lines.map((line) => ({
        role: line.role,
        ys: picked(line.samples)
            .slice(0, times.length)
            .map((p) => (req.value(p) ?? 0) / scale)
    }));
    const all = data.flatMap((d) => d.ys);
    if (all.length === 0 || all.every((v) => v === all[0]))
        return null;
    const head = req.lines.find((l) => l.role === 'head');
    const start = head?.samples[0];
    const limitPerSec = req.limitPerSec && start ? req.limitPerSec / scale : null;
    const lines = [...data];
    if (limitPerSec !== null && start)
        lines.push({
            role: 'limit',
            ys: times.map((t) => (req.value(start) ?? 0) / scale + limitPerSec * (t - start.t))
        });
    const [lo, hi] = yRange(lines.flatMap((l) => l.ys), all, limitPerSec === null ? null : limitPerSec * (times[times.length - 1] - times[0]));
    // xychart-beta draws no legend: the title says which colour is which.
    const legend = lines.map((l) => `${l.role} ${CHART_COLOURS[l.role].name}`).join(', ');
    return [
        '```mermaid',
        '---',
        'config:',
        '  themeVariables:',
        '    xyChart:',
        `      plotColorPalette: "${lines.map((l) => CHART_COLOURS[l.role].hex).join(', ')}"`,
        '---',
        'xychart-beta',
        `  title "${req.title}: ${legend}"`,
        `  x-axis "seconds after warm-up" [${times.map((t) => Math.round(t)).join(', ')}]`,
        `  y-axis "${req.unit}" ${fmt(lo)} --> ${fmt(hi)}`,
        ...lines.map((l) => `  line [${l.ys.map(fmt).join(', ')}]`),
        '```'
    ].join('\n');
}
/**
 * The y-axis: everything drawn, and at least the limit's growth over the window on either
 * side of the data, so that noise well within the limit looks as small as it is. Without a
 * limit, a twentieth of the largest value on either side. Never below zero: no series can be.
 */
function yRange(drawn, data, limitGrowth) {
    const margin = limitGrowth ?? 0.05 * Math.max(...data.map(Math.abs));
    const lo = Math.min(...drawn, Math.min(...data) - margin);
    const hi = Math.max(...drawn, Math.max(...data) + margin);
    const pad = (hi - lo) * 0.05;
    return [Math.max(0, lo - pad), hi + pad];
}
const fmt = (v) => Number(v.toPrecision(4));

// Text from profiles (function names, file paths) goes into comments that GitHub
// renders as markdown and HTML: every character that could start markup becomes an
// entity, so `<img onerror=…>`, `</details>`, `|` or `*` show as themselves.
const ENTITY = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '|': '&#124;',
    '`': '&#96;',
    '*': '&#42;',
    _: '&#95;',
    '[': '&#91;',
    ']': '&#93;',
    '\\': '&#92;',
    '~': '&#126;',
    '#': '&#35;',
    '@': '&#64;',
    '\n': ' ',
    '\r': ' '
};
function escapeText(text) {
    return text.replace(/[&<>"'|`*_[\]\\~#@\r\n]/g, (c) => ENTITY[c]);
}
/** Text in SVG (the flame graph): every character that could start markup becomes an entity. */
function escapeXml(text) {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
/** A number from report.json, which in the fork-safe comment mode comes from untrusted code. */
function num(value, digits) {
    if (typeof value !== 'number' || !Number.isFinite(value))
        return '—';
    return digits === undefined ? String(value) : value.toFixed(digits);
}
/** Profile text shown as code. */
function code(text) {
    return `<code>${escapeText(text)}</code>`;
}

// What sampling cost the service, in words: the interval sampled at and why (report.json's
// run.interval, engine/sampling-budget.ts). One line, in the run details and the terminal.
const seconds = (ms) => `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 0))}s`;
const percent = (cores) => `${Number((100 * cores).toFixed(cores < 0.1 ? 1 : 0))}%`;
/**
 * "sampled every 2.5s (interval: auto, to keep the budget): a sample's forced GCs took 124 ms
 * of the service's CPU, 5% of one core (sampling-budget 5%)"; null for a report without it.
 */
function describeInterval(i) {
    if (!i)
        return null;
    const why = {
        budget: 'auto, to keep the budget',
        floor: 'auto, at most once a second',
        fixed: 'as given',
        'load-command': "auto, as wide as the load-command's duration allows"
    }[i.reason];
    const head = `sampled every ${seconds(i.intervalMs)} (interval: ${why})`;
    if (i.gcCostPerSampleSec === null || i.costCores === null)
        return `${head}: no GC was forced`;
    const cost = i.costMeasure === 'cpu'
        ? `${Math.round(1000 * i.gcCostPerSampleSec)} ms of the service's CPU`
        : `${Math.round(1000 * i.gcCostPerSampleSec)} ms (their wall time, taken as one core busy)`;
    const budget = `sampling-budget ${percent(i.budgetCores)}`;
    const line = `${head}: a sample's forced GCs took ${cost}, ${percent(i.costCores)} of one core`;
    const later = i.lookTimesFactor > 1
        ? `; the looks came ${Number(i.lookTimesFactor.toFixed(1))}× later than duration and max-duration say, so that each had its 8 samples`
        : '';
    if (!i.overBudget)
        return `${line} (${budget})${later}`;
    const atBudget = seconds(i.budgetIntervalMs ?? i.intervalMs);
    const costlierLater = 'later samples cost more than the first, from which the interval was chosen';
    const fix = {
        fixed: `interval: auto would sample every ${atBudget}`,
        'load-command': `the load-command runs for the MEMGATE_DURATION it was given, so the looks could not move later; a duration of ${seconds(SAMPLES_PER_LOOK * (i.budgetIntervalMs ?? i.intervalMs))} or more (max-duration with it) would sample every ${atBudget}`,
        budget: costlierLater,
        floor: costlierLater
    }[i.reason];
    return `${line}, over the ${budget}: ${fix}${later}`;
}

// report.json -> markdown: the PR comment, the job summary and report.md. The first screen
// answers what a reviewer asks first: the verdict; what grows, how fast, against what;
// which commits; which line; what to do next. Then one table of the growth, then the rest.
const HEADLINE = {
    pass: '✅ go-memgate: no memory growth beyond the limits',
    fail: '❌ go-memgate: memory grows — this check fails',
    inconclusive: '⚠️ go-memgate: inconclusive — growth could not be told from noise'
};
function renderMarkdown(report, options = {}) {
    const sections = [
        firstScreen(report),
        growthTable(report),
        reasons(report),
        attributionSection(report.runs.head.attribution, 10),
        newInHeadLine(report),
        charts(report),
        details(report)
    ];
    const full = sections.filter(Boolean).join('\n\n') + '\n';
    const max = options.maxChars;
    if (max === undefined || full.length <= max)
        return full;
    const note = '\n\n_The report was shortened to fit; the full report is in the job summary and the artifact._\n';
    const shorter = [
        firstScreen(report),
        growthTable(report),
        attributionSection(report.runs.head.attribution, 3)
    ]
        .filter(Boolean)
        .join('\n\n');
    if (shorter.length + note.length <= max)
        return shorter + note;
    // Cut at a line end: a cut inside an entity or a <code> would break the markup after it.
    const cut = shorter.slice(0, max - note.length);
    return cut.slice(0, cut.lastIndexOf('\n')) + note;
}
function firstScreen(report) {
    const name = report.name === 'memgate' ? '' : ` (${escapeText(report.name)})`;
    const lines = [`### ${HEADLINE[report.verdict]}${name}`, ''];
    for (const notice of report.notices)
        lines.push(`> [!NOTE]\n> ${escapeText(notice)}`, '');
    const leak = leakingLine(report);
    const items = [growthLine(report), commitsLine(report), leak, nextStep(report, leak !== null)];
    for (const item of items)
        if (item)
            lines.push(`- ${item}`);
    return lines.join('\n').trim();
}
/** Each judged series' growth, the failing ones in bold. */
function growthLine(report) {
    const parts = summarizeGrowth(report).map((g) => {
        const text = escapeText(g.text);
        return g.outcome === 'fail' ? `**${text}**` : text;
    });
    if (!parts.length)
        return report.reasons.length ? escapeText(report.reasons[0]) : null;
    const line = parts.join('; ');
    // Capitalised past the bold marker.
    return line.replace(/^(\**)(\w)/, (_, bold, c) => bold + c.toUpperCase());
}
const SHA = /^[0-9a-f]{7,40}$/;
const REPOSITORY_URL = /^https:\/\/[\w.-]+(?::\d+)?\/[\w.-]+\/[\w.-]+$/;
/** The repository and head commit to link to; in comment mode the report is untrusted: both must look right. */
function sourceOf(report) {
    const s = report.source;
    const ok = typeof s?.repositoryUrl === 'string' &&
        REPOSITORY_URL.test(s.repositoryUrl) &&
        typeof s.commit === 'string' &&
        SHA.test(s.commit);
    return ok ? s : null;
}
const shaOf = (commit) => typeof commit === 'string' && SHA.test(commit) ? commit : null;
/** `html` as a link when there is somewhere to go. */
const link = (href, html) => href === null ? html : `<a href="${escapeText(href)}">${html}</a>`;
/** "base `main` 3f5c2a9 → head 9e8d7c6", short SHAs linked to their commits. */
function commitsLine(report) {
    const source = sourceOf(report);
    const commit = (sha) => link(source && `${source.repositoryUrl}/commit/${sha}`, code(sha.slice(0, 7)));
    const head = shaOf(report.runs.head.commit) ?? source?.commit ?? null;
    const base = report.runs.base;
    const baseSha = shaOf(base?.commit);
    if (!head && !baseSha)
        return null;
    const headText = `head ${head ? commit(head) : 'the working tree'}`;
    if (!base)
        return `Commit: ${headText}`;
    const baseText = [
        'base',
        ...(base.ref ? [code(String(base.ref))] : []),
        baseSha ? commit(baseSha) : 'a stored report'
    ].join(' ');
    return `Commits: ${baseText} → ${headText}`;
}
/** "svc/cache.go:42", linked to that line at the head commit when the repository is known. */
function lineLink(report, at) {
    const source = sourceOf(report);
    const path = at.repoPath;
    const text = code(`${path ?? at.file}:${at.line}`);
    const linkable = source && typeof path === 'string' && Number.isInteger(at.line) && !path.startsWith('/');
    if (!linkable || path.split('/').includes('..'))
        return text;
    let blob;
    try {
        blob = path.split('/').map(encodeURIComponent).join('/');
    }
    catch {
        return text; // a lone surrogate, from a hostile report: no link
    }
    return link(`${source.repositoryUrl}/blob/${source.commit}/${blob}#L${at.line}`, text);
}
/** The line that keeps what the worst judgement's series grows by. */
function leakingLine(report) {
    const a = report.runs.head.attribution;
    const worst = report.judgements.find((j) => j.outcome === report.verdict && j.series !== null);
    if (report.verdict === 'pass' || !a || !worst)
        return null;
    const site = worst.series === 'heap' ? a.heap.find((s) => !s.withinNoise) : undefined;
    if (site && site.kind !== 'goroutines')
        return `Leaking line: ${lineLink(report, site)} in ${code(site.function)}: ${formatBytes(site.inuseBytesGrowth)} kept${site.bytesPerRequest === undefined ? '' : `, ${formatBytes(site.bytesPerRequest)}/request`}`;
    const group = a.goroutines.find((g) => g.countGrowth > 0);
    if (!group || (worst.series !== 'goroutines' && !site))
        return null;
    return `Goroutines pile up at: ${lineLink(report, group)} in ${code(group.function)}${group.waitReason ? ` (${escapeText(group.waitReason)})` : ''}: +${num(group.countGrowth)}`;
}
/** What the reader does next: fix the line, or get a clearer answer; reproduce either way. */
function nextStep(report, leakShown) {
    if (report.verdict === 'pass')
        return null;
    const reproduce = `reproduce: ${code(reproduceCommand(report))}`;
    if (report.verdict === 'inconclusive') {
        const advice = report.judgements.map(adviceFor).find((a) => a !== null);
        return `Next: ${advice ? `${escapeText(advice)}; ` : ''}${reproduce}`;
    }
    const files = report.runs.head.attribution?.files;
    const look = leakShown
        ? 'the line above'
        : files?.flamegraph
            ? `the flame graph ${code(files.flamegraph)} in the artifact`
            : `the raw profiles in ${code(report.runs.head.profilesDir)} of the artifact`;
    return `Next: look at ${look}; ${reproduce}`;
}
/** A limit as the user wrote it, in the units the report writes everywhere: "512 KiB/min". */
function limitOf(report, input) {
    if (!input)
        return 'not judged';
    const text = String(report.config[input] ?? INPUTS.find((i) => i.name === input)?.default ?? '');
    if (text === 'off')
        return 'off';
    try {
        const { value, per, kind } = parseRate(text);
        if (per === 'second')
            return formatRate(value, kind);
        if (kind === 'bytes')
            return `${formatBytes(value)}/request`;
        return value < 1 ? `1 per ${Math.round(1 / value)} requests` : `${value}/request`;
    }
    catch {
        return escapeText(text);
    }
}
/** Whether a judgement of `series` against `against` failed: its cell is bold. */
const failed = (report, series, against) => report.judgements.some((j) => j.series === series && j.against === against && j.outcome === 'fail');
const bold = (text, on) => (on ? `**${text}**` : text);
function growthTable(report) {
    return report.runs.base ? comparisonTable(report, report.runs.base) : headTable(report);
}
/** Without a baseline: the head's growth, its interval and its second half. */
function headTable(report) {
    const head = report.runs.head;
    const confidence = head.trends.heap?.confidence ?? head.trends.goroutines?.confidence;
    const rows = [
        `| | growth | ${confidenceText(confidence)} interval | second half | limit |`,
        '|---|---|---|---|---|'
    ];
    for (const name of SERIES_NAMES) {
        const s = SERIES$1[name];
        const t = head.trends[name];
        if (!s.limitInput && !t)
            continue;
        const r = (v) => formatSignedRate(v, s.unit);
        const cells = t
            ? [
                bold(r(t.slopePerSec), failed(report, name, 'limit')),
                `${r(t.ciLow)} … ${r(t.ciHigh)}`,
                r(t.lateSlopePerSec)
            ]
            : ['—', '—', '—'];
        rows.push(`| ${s.title} | ${cells.join(' | ')} | ${limitOf(report, s.limitInput)} |`);
    }
    return rows.join('\n');
}
/** With a baseline: one row a series, head, base and their difference side by side. */
function comparisonTable(report, base) {
    const head = report.runs.head;
    const rows = ['| | head | base | Δ head − base | limit |', '|---|---|---|---|---|'];
    for (const name of SERIES_NAMES) {
        const s = SERIES$1[name];
        const [h, b] = [head.trends[name], base.trends[name]];
        if (!s.limitInput && !h)
            continue;
        const r = (v) => formatSignedRate(v, s.unit);
        const slope = (t) => (t ? r(t.slopePerSec) : '—');
        const c = s.limitInput ? report.comparison?.[name] : undefined;
        const difference = c ? c.diffPerSec : h && b ? h.slopePerSec - b.slopePerSec : null;
        const limit = s.limitInput
            ? `${limitOf(report, s.limitInput)}; Δ ${c && c.limitPerSec !== null ? `≤ ${r(c.limitPerSec)}` : 'off'}`
            : 'not judged';
        rows.push(`| ${s.title} | ${bold(slope(h), failed(report, name, 'limit'))} | ${slope(b)} | ${difference === null ? '—' : bold(r(difference), failed(report, name, 'base'))} | ${limit} |`);
    }
    return rows.join('\n');
}
/** Every judgement in a sentence, with its interval; what the run could catch; where it stopped. */
function reasons(report) {
    const head = report.runs.head;
    const after = [...describeDetectable(head), describeStop(head), ...describeComparison(report)].filter((l) => l !== null);
    return [
        ...report.reasons.map((r) => `- ${escapeText(r)}`),
        ...(after.length ? ['', ...after.map((l) => `_${escapeText(l)}_`)] : [])
    ].join('\n');
}
/** One line naming what grows in the head and not in the base, when both were attributed. */
function newInHeadLine(report) {
    const fresh = report.comparison?.newInHead;
    if (!Array.isArray(fresh) || !fresh.length)
        return '';
    return `**New in head** (growing here, not in the base): ${fresh
        .slice(0, 10)
        .map((f) => code(String(f)))
        .join(', ')}`;
}
/** Goroutine records have no line of their own: the goroutine table names their `go` statement. */
function siteCell(s) {
    return s.kind === 'goroutines'
        ? 'new goroutines (see the goroutine table)'
        : `${code(s.function)}<br>${code(`${s.repoPath ?? s.file}:${s.line}`)}`;
}
function attributionSection(a, top) {
    if (!a)
        return '';
    const out = [];
    const sites = a.heap.filter((s) => !s.withinNoise).slice(0, top);
    if (sites.length) {
        out.push('#### Where the heap grows', '', '| allocation site | kept | rate | per request |', '|---|---|---|---|');
        for (const s of sites)
            out.push(`| ${siteCell(s)} | ${formatBytes(s.inuseBytesGrowth)} | ${formatByteRate(s.bytesPerSec)} | ${s.bytesPerRequest === undefined ? '—' : formatBytes(s.bytesPerRequest)} |`);
    }
    const stacks = a.goroutines.filter((g) => g.countGrowth > 0).slice(0, top);
    if (stacks.length) {
        if (out.length)
            out.push('');
        out.push('#### Goroutines that pile up', '', '| blocked at | waiting on | created by | added | rate |', '|---|---|---|---|---|');
        for (const g of stacks)
            out.push(`| ${code(g.function)}<br>${code(`${g.repoPath ?? g.file}:${g.line}`)}${g.provenLeaked ? ' **proven leaked**' : ''} | ${escapeText(g.waitReason ?? '—')} | ${g.createdBy ? code(g.createdBy) : '—'} | +${num(g.countGrowth)} | ${formatCountRate(g.perSec)} |`);
        if (a.goroutineLeakProfile)
            out.push('', '_Built with GOEXPERIMENT=goroutineleakprofile: goroutines the runtime proved leaked are marked so._');
    }
    for (const note of a.notes ?? [])
        out.push(...(out.length ? [''] : []), `_${escapeText(note)}_`);
    return out.join('\n');
}
const CHARTS = [
    { series: 'heap', title: 'Live heap after GC', unit: 'MiB', scale: 1024 * 1024 },
    { series: 'goroutines', title: 'Goroutines', unit: 'count', scale: 1 }
];
function charts(report) {
    const { head, base } = report.runs;
    if (head.samples.length < 2)
        return '';
    const lines = [
        ...(base ? [{ role: 'base', samples: base.samples }] : []),
        { role: 'head', samples: head.samples }
    ];
    return CHARTS.map(({ series, title, unit, scale }) => {
        const value = SERIES$1[series].value;
        const chart = xyChart({ title, unit, lines, value, scale, limitPerSec: chartLimit(report, series) });
        if (chart)
            return chart;
        // A series that never moved needs no chart: one line says so.
        const held = value(head.samples[0]);
        return `_${title}: ${SERIES$1[series].unit === 'bytes' && held !== null ? formatBytes(held) : num(held)} in every sample._`;
    }).join('\n\n');
}
/** The growth the chart's limit line rises at: the absolute limit, else the base's growth plus the allowed increase. */
function chartLimit(report, series) {
    const absolute = report.judgements.find((j) => j.series === series && j.against === 'limit');
    if (absolute?.limitPerSec !== undefined)
        return absolute.limitPerSec;
    const allowed = report.comparison?.[series]?.limitPerSec;
    const baseSlope = report.runs.base?.trends[series]?.slopePerSec;
    return typeof allowed === 'number' && baseSlope !== undefined ? baseSlope + allowed : null;
}
function runDetails(run) {
    const load = run.load;
    const loadText = load.kind === 'built-in'
        ? `built-in load: ${num(load.requests)} requests, ${num(load.errors)} errors, ${num(load.achievedRatePerSec, 0)} req/s achieved`
        : `load-command ${code(load.command ?? '')}${load.exitCode ? `, exit code ${num(load.exitCode)}` : ''}`;
    const quiet = describeQuiescence(run.quiescence);
    const interval = describeInterval(run.interval);
    return [
        `- **${run.side === 'base' ? 'base' : 'head'}**${run.ref ? ` ${code(String(run.ref))}` : ''}${run.commit ? ` ${code(String(run.commit).slice(0, 12))}` : ''}: ${num(run.samples.length)} samples over ${num(run.durationSec, 0)}s after a ${num(run.warmupSec)}s warm-up; ${loadText}`,
        ...(quiet ? [`  - ${escapeText(quiet)}`] : []),
        ...(interval ? [`  - ${escapeText(interval)}`] : []),
        ...run.sampleNotes.map((n) => `  - ${escapeText(n)}`)
    ];
}
function details(report) {
    const { head, base } = report.runs;
    const files = head.attribution?.files;
    const lines = [
        '<details><summary>Run details</summary>',
        '',
        ...(base ? runDetails(base) : []),
        ...runDetails(head),
        '',
        // A fail or an inconclusive gives the command on its first screen.
        ...(report.verdict === 'pass'
            ? ['Reproduce locally:', '', `<pre><code>${escapeText(reproduceCommand(report))}</code></pre>`, '']
            : []),
        files?.heapFirst && files.heapLast
            ? `What the heap kept, by line, from the raw profiles in the artifact: ${code(`go tool pprof -diff_base ${files.heapFirst} ${files.heapLast}`)}${files.flamegraph ? `; as a flame graph: ${code(files.flamegraph)}` : ''}.`
            : `Raw profiles are in ${code(head.profilesDir)} of the output folder.`,
        '',
        '</details>'
    ];
    return lines.join('\n');
}
/**
 * The CLI run that measures what this run did, as a user outside this repository runs it:
 * npm fetches the tool at its version's tag. Flags are the inputs that differ from their
 * defaults, except that on a pull request the action's `baseline: auto` is the merge-base
 * (on the CLI, auto is none) and the branch it was taken from.
 */
function reproduceCommand(report) {
    const version = report.tool?.version;
    const pin = typeof version === 'string' && /^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version) ? `#v${version}` : '';
    const config = { ...report.config };
    const base = report.runs.base;
    if ((config.baseline ?? 'auto') === 'auto' && base)
        config.baseline = 'merge-base';
    if (config.baseline === 'merge-base' && !config['base-ref'] && base?.ref)
        config['base-ref'] = base.ref;
    const flags = Object.entries(config)
        .filter(([k, v]) => INPUTS.find((i) => i.name === k && !i.actionOnly && i.default !== v))
        .map(([k, v]) => `--${k} ${shellQuote(String(v))}`);
    return [`npx github:go-memgate/go-memgate${pin} run`, ...flags].join(' ');
}
/** POSIX quoting; a multi-line value (env) becomes $'…' with \n escapes, on one line. */
function shellQuote(v) {
    if (/^[\w./:@%=,-]+$/.test(v))
        return v;
    if (/[\n\r]/.test(v))
        return `$'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, '\\n')}'`;
    return `'${v.replace(/'/g, `'\\''`)}'`;
}

// Every run as Prometheus gauges, so that teams can plot growth and verdicts across commits:
// written as OpenMetrics text into the artifact (metrics.txt) and pushed to a Pushgateway.
// A Pushgateway keeps the last value of each series only, so a run is exported as its summary
// (slopes, intervals, the last sample), labelled with the commit it measured, not as its samples.
/** The name each series' gauges start with. */
const METRIC_BASE = {
    heap: 'memgate_live_heap',
    goroutines: 'memgate_goroutines',
    rss: 'memgate_rss'
};
/** The head run of `report` as gauges in Prometheus' text format, for a Pushgateway. */
function runRegistry(report, run) {
    const registry = new promClientExports.Registry();
    addRunGauges(registry, report, run);
    return registry;
}
/** The run as OpenMetrics text, for metrics.txt beside report.json. */
function renderOpenMetrics(report, run) {
    const registry = new promClientExports.Registry();
    registry.setContentType(promClientExports.Registry.OPENMETRICS_CONTENT_TYPE);
    addRunGauges(registry, report, run);
    return registry.metrics();
}
/**
 * Every gauge is labelled name, repository, branch and commit. Series without a value (no
 * trend, no RSS) are left out rather than written as NaN.
 */
function addRunGauges(registry, report, run) {
    registry.setDefaultLabels({ name: report.name, ...run.labels });
    const gauge = (name, help, value, labels = {}) => {
        if (value === null || value === undefined || !Number.isFinite(value))
            return;
        new promClientExports.Gauge({ name, help, labelNames: Object.keys(labels), registers: [registry] }).set(labels, value);
    };
    const head = report.runs.head;
    const last = head.samples.at(-1);
    gauge('memgate_verdict', 'The verdict of the run: 1 for the verdict given.', 1, { verdict: report.verdict });
    gauge('memgate_duration_seconds', 'How long the head run sampled after warm-up, seconds.', head.durationSec);
    for (const series of SERIES_NAMES) {
        const spec = SERIES$1[series];
        // Prometheus names end in the base unit: _bytes, or nothing for a count.
        const [base, unit, per] = [METRIC_BASE[series], spec.unit === 'bytes' ? '_bytes' : '', spec.unit];
        const trend = head.trends[series];
        const growth = `${base}_growth${unit}_per_second`;
        gauge(`${base}${unit}`, `${spec.title} at the last sample of the head run, ${per}.`, last && spec.value(last));
        gauge(growth, `Growth of the ${spec.label} in the head run, ${per} per second.`, trend?.slopePerSec);
        gauge(`${base}_growth_low${unit}_per_second`, `Lower bound of the confidence interval of ${growth}.`, trend?.ciLow);
        gauge(`${base}_growth_high${unit}_per_second`, `Upper bound of the confidence interval of ${growth}.`, trend?.ciHigh);
        if (series !== 'rss')
            gauge(`${base}_detectable_growth${unit}_per_second`, `The smallest growth of the ${spec.label} the run could catch, ${per} per second.`, run.detectableGrowthPerSec?.[series]);
    }
}
/**
 * The labels of a run from the runner's environment: on a pull request the PR's branch
 * (GITHUB_HEAD_REF), else the branch pushed; the commit the head run measured when known,
 * else GITHUB_SHA. Outside a runner, what is unknown is empty.
 */
function runLabels(report, env) {
    return {
        repository: env['GITHUB_REPOSITORY'] ?? '',
        branch: env['GITHUB_HEAD_REF'] || env['GITHUB_REF_NAME'] || report.runs.head.ref || '',
        commit: report.runs.head.commit || env['GITHUB_SHA'] || ''
    };
}

/**
 * Pools the repeats' trends rather than taking the median of their slopes: every
 * within-repeat pair counts, so the interval narrows with more repeats, and machine
 * drift that slows one repeat is outvoted by the others.
 */
function combineRepeats(runs) {
    if (runs.length === 1)
        return runs[0];
    return {
        ...runs[0],
        // Each repeat's trends share one z: the looks of every repeat split the same budget.
        trends: bySeries$1((s) => trendBlocks(runs.map((r) => seriesPoints(r.samples, s)), runs[0].trends.heap?.z)),
        sampleNotes: runs.flatMap((r, i) => r.sampleNotes.map((n) => `repeat ${i + 1}: ${n}`)),
        repeats: runs.map((r) => ({
            slopePerSec: bySeries$1((s) => r.trends[s]?.slopePerSec ?? null),
            sePerSec: bySeries$1((s) => r.trends[s]?.sePerSec ?? null),
            profilesDir: r.profilesDir
        }))
    };
}

// The one edge to git: named verbs over `git` run in one folder. Callers say what they
// want (the top folder, a commit, the merge-base) and never build git arguments, so the
// merge-base logic can be tested against a fake of this interface.
/** A git command that exited non-zero; `reason` is the first line it wrote to stderr. */
class GitError extends GateError {
    reason;
    constructor(args, reason) {
        super(`git ${args.join(' ')} failed: ${reason}`);
        this.reason = reason;
    }
}
/** The real git, run in `cwd`. */
function createGit(cwd) {
    const run = (args) => runGit(cwd, args);
    const failed = (args, r) => new GitError(args, r.stderr.split('\n')[0] || `git exited with code ${r.code}`);
    const check = async (args) => {
        const r = await run(args);
        if (r.code !== 0)
            throw failed(args, r);
        return r.stdout;
    };
    const answer = async (args) => {
        const r = await run(args);
        return r.code === 0 && r.stdout ? r.stdout : null;
    };
    return {
        showToplevel: () => answer(['rev-parse', '--show-toplevel']),
        revParseCommit: (rev) => answer(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]),
        isShallow: async () => (await check(['rev-parse', '--is-shallow-repository'])) === 'true',
        mergeBase: async (a, b) => {
            const args = ['merge-base', a, b];
            const r = await run(args);
            // Exit 1 without output is git's "no common ancestor".
            if (r.code === 1 && !r.stdout)
                return null;
            if (r.code !== 0)
                throw failed(args, r);
            return r.stdout;
        },
        remoteUrl: (name) => answer(['remote', 'get-url', name]),
        symbolicRef: (ref) => answer(['symbolic-ref', '--quiet', '--short', ref]),
        fetchBranch: async (branch, { unshallow }) => {
            const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
            await check(['fetch', '--no-tags', ...(unshallow ? ['--unshallow'] : []), 'origin', refspec]);
        },
        worktreeAdd: async (dir, commit) => void (await check(['worktree', 'add', '--detach', dir, commit])),
        worktreeRemove: async (dir) => void (await check(['worktree', 'remove', '--force', dir])),
        worktreePrune: async () => void (await check(['worktree', 'prune']))
    };
}
/**
 * A non-zero exit is a result, not an exception: verbs decide what it means. Code -1
 * when git could not be started (not installed, or `cwd` is missing).
 */
function runGit(cwd, args) {
    return new Promise((resolve) => {
        // LC_ALL=C: error lines are quoted to the user and matched by no one, but stay in English.
        const env = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
        execFile('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            const code = error ? error.code : 0;
            if (typeof code === 'number')
                resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
            else
                resolve({ code: -1, stdout: '', stderr: `cannot run git in ${cwd}: ${error?.message}` });
        });
    });
}

// Finds the commit a PR's changes start from: the merge-base of HEAD and the base
// branch, fetching the history a shallow clone lacks when the remote answers.
const FETCH_DEPTH_HINT = 'set fetch-depth: 0 in actions/checkout';
/**
 * The merge-base for the module in `moduleDir` (the working-directory, which need not be
 * the repository's top folder). `git` runs there; tests pass a fake.
 */
async function findMergeBase(moduleDir, baseRef, git = createGit(moduleDir)) {
    const root = await git.showToplevel();
    if (!root)
        throw new ConfigError(`baseline: merge-base needs a git checkout, and ${moduleDir} is not one; use baseline: none or the path of a report.json`);
    const head = await git.revParseCommit('HEAD');
    if (!head)
        throw new ConfigError('baseline: merge-base needs a commit at HEAD; commit first');
    let name = baseRef ?? (await defaultBranch(git));
    let base = name ? await resolveBase(git, name) : null;
    let shallow = await git.isShallow();
    let fetchError = null;
    if (!base || shallow) {
        // Actions' checkout fetches one commit by default: get the base branch and the
        // history down to the merge-base, if the remote is reachable.
        name ??= 'main';
        fetchError = await fetchBase(git, name, shallow);
        base = await resolveBase(git, name);
        shallow = await git.isShallow();
    }
    const why = fetchError ? ` (fetching it failed: ${fetchError})` : '';
    if (shallow)
        throw new ConfigError(`baseline: merge-base needs the history of HEAD and ${name}, but this checkout is a shallow clone${why}; ${FETCH_DEPTH_HINT}`);
    if (!base)
        throw new ConfigError(baseRef
            ? `base-ref: "${baseRef}" is neither a branch nor a commit of this repository${why}; set base-ref to the branch the PR merges into`
            : `base-ref: cannot tell the default branch (no origin/HEAD, main or master)${why}; set base-ref`);
    try {
        const commit = await git.mergeBase(head, base.commit);
        return { root, headCommit: head, baseRef: base.ref, commit };
    }
    catch (e) {
        if (e instanceof GitError)
            throw new GateError(`git merge-base HEAD ${base.ref} failed: ${e.reason}`);
        throw e;
    }
}
/** The remote-tracking branch first: a local branch of the same name may be stale. */
async function resolveBase(git, name) {
    for (const ref of name.startsWith('origin/') ? [name] : [`origin/${name}`, name]) {
        const commit = await git.revParseCommit(ref);
        if (commit)
            return { ref, commit };
    }
    return null;
}
async function defaultBranch(git) {
    const originHead = await git.symbolicRef('refs/remotes/origin/HEAD');
    if (originHead)
        return originHead;
    for (const name of ['main', 'master'])
        if (await resolveBase(git, name))
            return name;
    return null;
}
/** Fetches the base branch from origin (all of the history when shallow); returns why it failed. */
async function fetchBase(git, name, shallow) {
    try {
        await git.fetchBranch(name.replace(/^origin\//, ''), { unshallow: shallow });
        return null;
    }
    catch (e) {
        if (e instanceof GitError)
            return e.reason;
        throw e;
    }
}

// A commit checked out beside the user's checkout, for as long as a callback runs.
// The user's working tree is never touched, and the worktree is removed however the
// callback ends.
async function withWorktree(repoRoot, commit, log, use) {
    const git = createGit(repoRoot);
    // A temp folder, not the output folder: that may lie inside the repository, and a
    // worktree nested in the checkout would show in `git status` and in `go build ./...`.
    const parent = mkdtempSync(join(tmpdir(), 'memgate-base-'));
    const dir = join(parent, 'tree');
    try {
        // A run killed hard leaves a registered worktree whose folder is gone: forget those.
        await git.worktreePrune();
        try {
            await git.worktreeAdd(dir, commit);
        }
        catch (e) {
            if (e instanceof GitError)
                throw new GateError(`git worktree add of the merge-base ${commit.slice(0, 12)} failed: ${e.reason}`);
            throw e;
        }
        log(`base: merge-base ${commit.slice(0, 12)} checked out in ${dir}`);
        return await use(dir);
    }
    finally {
        const removed = await git.worktreeRemove(dir).then(() => true, () => false);
        rmSync(parent, { recursive: true, force: true });
        // Its folder is gone now, so prune forgets it. A failure here must not hide how the
        // callback ended; the next run's prune tries again.
        if (!removed)
            await git.worktreePrune().catch(() => undefined);
    }
}

// The built-in load: GET requests at a fixed overall rate over a few keep-alive
// connections, that can be paused until nothing is in flight. Pausing is why it is ours:
// a reading of the live heap taken while requests are in flight counts what they hold,
// and load generators such as autocannon can stop but not pause, nor say what is in flight.
const TICK_MS = 5;
function startGenerator(req) {
    const target = new URL(req.url);
    const https = target.protocol === 'https:';
    const agent = new (https ? Agent : Agent$1)({ keepAlive: true, maxSockets: req.connections });
    const send = https ? request : request$1;
    const timeoutMs = req.timeoutMs ?? 10_000;
    const counts = { responses: 0, errors: 0, firstError: null, settled: 0, errorsByKind: {} };
    let inFlight = 0;
    let sent = 0;
    let scheduleStart = Date.now();
    let paused = false;
    let stopped = false;
    let idle = null;
    const settle = (error) => {
        inFlight--;
        counts.settled++;
        if (error !== null) {
            counts.errors++;
            counts.firstError ??= error;
            counts.errorsByKind[error] = (counts.errorsByKind[error] ?? 0) + 1;
        }
        if (inFlight === 0)
            idle?.();
    };
    const fire = () => {
        inFlight++;
        sent++;
        let done = false;
        const finish = (error) => {
            if (done)
                return;
            done = true;
            settle(error);
        };
        const r = send(target, { agent, method: 'GET', timeout: timeoutMs }, (res) => {
            counts.responses++;
            const status = res.statusCode ?? 0;
            res.resume(); // drain the body: the connection goes back to the pool
            res.once('end', () => finish(status >= 400 ? `HTTP ${status}` : null));
            res.once('error', (e) => finish(e.message));
        });
        r.once('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        r.once('error', (e) => finish(e.code ?? e.message));
        r.end();
    };
    // Every connection opened at once, at the start of the warm-up: one opened later under a
    // burst would add its server goroutine and buffers mid-run, a step in both series.
    for (let i = 0; i < req.connections; i++)
        fire();
    // Open loop at the overall rate, but never more in flight than connections: requests
    // the service cannot take are skipped, not queued, so a pause never ends in a burst.
    const timer = setInterval(() => {
        if (paused || stopped)
            return;
        const due = Math.floor(((Date.now() - scheduleStart) * req.ratePerSec) / 1000);
        while (sent < due && inFlight < req.connections)
            fire();
        if (sent < due)
            sent = due;
    }, TICK_MS);
    return {
        counts: () => ({ ...counts, errorsByKind: { ...counts.errorsByKind } }),
        inFlight: () => inFlight,
        pause: (pauseTimeoutMs) => {
            paused = true;
            if (inFlight === 0)
                return Promise.resolve(true);
            return new Promise((resolve) => {
                const timeout = setTimeout(() => {
                    idle = null;
                    resolve(false);
                }, pauseTimeoutMs);
                idle = () => {
                    clearTimeout(timeout);
                    idle = null;
                    resolve(true);
                };
            });
        },
        resume: () => {
            if (!paused)
                return;
            paused = false;
            scheduleStart = Date.now();
            sent = 0;
        },
        stop: async () => {
            stopped = true;
            clearInterval(timer);
            agent.destroy();
        }
    };
}

function startLoad(req) {
    return req.loadCommand ? startCommand(req, req.loadCommand) : startBuiltIn(req);
}
function startBuiltIn(req) {
    const generator = startGenerator({
        url: req.targetUrl,
        ratePerSec: req.ratePerSec,
        connections: req.connections
    });
    const started = Date.now();
    // undefined until the first seconds of load have been judged; null once they were fine.
    let early;
    return {
        responses: () => generator.counts().responses,
        exitedEarly: () => null,
        output: () => '',
        failure: () => {
            const elapsedMs = Date.now() - started;
            const counts = generator.counts();
            if (early === undefined && elapsedMs >= EARLY_LOAD_MS && counts.settled >= EARLY_LOAD_REQUESTS)
                early = earlyLoadFailure(req.targetUrl, counts, elapsedMs / 1000);
            return early ?? null;
        },
        pause: async (timeoutMs) => ((await generator.pause(timeoutMs)) ? 'drained' : 'busy'),
        resume: () => generator.resume(),
        stop: async () => {
            await generator.stop();
            const { responses, errors, firstError } = generator.counts();
            const seconds = (Date.now() - started) / 1000;
            return {
                kind: 'built-in',
                requests: responses,
                errors,
                ...(firstError ? { firstError } : {}),
                achievedRatePerSec: seconds > 0 ? responses / seconds : null
            };
        }
    };
}
/** The built-in load's first seconds, and the requests they need, to tell a wrong target-url. */
const EARLY_LOAD_MS = 2000;
const EARLY_LOAD_REQUESTS = 10;
/**
 * One line when most of the first requests failed: the target is wrong (a path the service
 * does not serve, a port nothing listens on), and the gate stops at once instead of after
 * warm-up and sampling. Null when most succeeded.
 */
function earlyLoadFailure(targetUrl, counts, seconds) {
    if (counts.errors * 2 <= counts.settled)
        return null;
    const [kind, n] = Object.entries(counts.errorsByKind).reduce((a, b) => (b[1] > a[1] ? b : a));
    const what = kind.startsWith('HTTP ') ? `answered ${kind} to` : `failed with ${kind} on`;
    return `target-url: ${targetUrl} ${what} ${n} of ${counts.settled} requests in the first ${Math.round(seconds)}s; point target-url at an endpoint of the service`;
}
function startCommand(req, command) {
    const output = new OutputTail(40, req.logPath, { redact: req.redact });
    const env = {
        ...process.env,
        MEMGATE_TARGET_URL: req.targetUrl,
        MEMGATE_DURATION: String(Math.ceil(req.durationSec))
    };
    const child = spawnGroup('sh', ['-c', command], {
        cwd: req.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
    });
    output.attach(child.stdout);
    output.attach(child.stderr);
    let exitCode = null;
    exitOf(child).then(({ code, signal }) => (exitCode = code ?? (signal ? 128 : null)), () => (exitCode = 127) // sh could not be started
    );
    const signal = (sig) => {
        try {
            if (child.pid !== undefined && exitCode === null)
                process.kill(-child.pid, sig);
        }
        catch {
            // ESRCH: the group has just ended; exitedEarly says so.
        }
    };
    return {
        responses: () => null,
        exitedEarly: () => exitCode,
        output: () => output.text(),
        failure: () => exitCode === null || exitCode === 0
            ? null
            : `load-command: exited with code ${exitCode} before sampling ended; fix the command (its output is in logs/${basename(req.logPath)})`,
        pause: async () => {
            signal('SIGSTOP');
            return 'frozen';
        },
        resume: () => signal('SIGCONT'),
        stop: async () => {
            const ranToEnd = exitCode !== null;
            // A stopped group holds SIGTERM until it continues: continue it, then end it.
            signal('SIGCONT');
            await stopGroup(child);
            output.close();
            return {
                kind: 'command',
                command,
                requests: null,
                errors: null,
                achievedRatePerSec: null,
                exitCode: ranToEnd ? exitCode : null
            };
        }
    };
}

/**
 * Unless explicitly stated otherwise all files in this repository are licensed under the MIT License.
 *
 * This product includes software developed at Datadog (https://www.datadoghq.com/  Copyright 2022 Datadog, Inc.
 */
var __classPrivateFieldGet = (undefined && undefined.__classPrivateFieldGet) || function (receiver, state, kind, f) {
    if (kind === "a" && !f) throw new TypeError("Private accessor was defined without a getter");
    if (typeof state === "function" ? receiver !== state || !f : !state.has(receiver)) throw new TypeError("Cannot read private member from an object whose class did not declare it");
    return kind === "m" ? f : kind === "a" ? f.call(receiver) : f ? f.value : state.get(receiver);
};
var _StringTable_encodings, _StringTable_positions;
/*!
 * Private helpers. These are only used by other helpers.
 */
const lowMaxBig = 2n ** 32n - 1n;
const lowMax = 2 ** 32 - 1;
const lowMaxPlus1 = lowMax + 1;
// Buffer.from(string, 'utf8') is faster, when available
const toUtf8 = typeof Buffer === 'undefined'
    ? (value) => new TextEncoder().encode(value)
    : (value) => Buffer.from(value, 'utf8');
function countNumberBytes(buffer) {
    if (!buffer.length)
        return 0;
    let i = 0;
    while (i < buffer.length && buffer[i++] >= 0b10000000)
        ;
    return i;
}
function decodeBigNumber(buffer) {
    if (!buffer.length)
        return BigInt(0);
    let value = BigInt(buffer[0] & 0b01111111);
    let i = 0;
    while (buffer[i++] >= 0b10000000) {
        value |= BigInt(buffer[i] & 0b01111111) << BigInt(7 * i);
    }
    return value;
}
function makeValue(value, offset = 0) {
    return { value, offset };
}
function getValue(mode, buffer) {
    switch (mode) {
        case kTypeVarInt:
            for (let i = 0; i < buffer.length; i++) {
                if (!(buffer[i] & 0b10000000)) {
                    return makeValue(buffer.subarray(0, i + 1));
                }
            }
            return makeValue(buffer);
        case kTypeLengthDelim: {
            const offset = countNumberBytes(buffer);
            const size = decodeNumber(buffer);
            return makeValue(buffer.subarray(offset, Number(size) + offset), offset);
        }
        default:
            throw new Error(`Unrecognized value type: ${mode}`);
    }
}
function lowBits(number) {
    return typeof number !== 'bigint'
        ? (number >>> 0) % lowMaxPlus1
        : Number(number & lowMaxBig);
}
function highBits(number) {
    return typeof number !== 'bigint'
        ? (number / lowMaxPlus1) >>> 0
        : Number(number >> 32n & lowMaxBig);
}
function long(number) {
    const sign = number < 0;
    if (sign)
        number = -number;
    let lo = lowBits(number);
    let hi = highBits(number);
    if (sign) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
        if (++lo > lowMax) {
            lo = 0;
            if (++hi > lowMax) {
                hi = 0;
            }
        }
    }
    return [hi, lo];
}
/**
 * Public helpers. These are used in the type definitions.
 */
const kTypeVarInt = 0;
const kTypeLengthDelim = 2;
function decodeNumber(buffer) {
    const size = countNumberBytes(buffer);
    if (size > 4)
        return decodeBigNumber(buffer);
    if (!buffer.length)
        return 0;
    let value = buffer[0] & 0b01111111;
    let i = 0;
    while (buffer[i++] >= 0b10000000) {
        value |= (buffer[i] & 0b01111111) << (7 * i);
    }
    return value;
}
function decodeNumbers(buffer) {
    const values = [];
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
        if ((buffer[i] & 0b10000000) === 0) {
            values.push(decodeNumber(buffer.subarray(start, i + 1)));
            start = i + 1;
        }
    }
    return values;
}
function push(value, list) {
    if (list == null) {
        return [value];
    }
    list.push(value);
    return list;
}
function pushAll(values, list) {
    if (list == null) {
        return values;
    }
    for (const value of values) {
        list.push(value);
    }
    return list;
}
function measureNumber(number) {
    if (number === 0 || number === 0n)
        return 0;
    const [hi, lo] = long(number);
    const a = lo;
    const b = (lo >>> 28 | hi << 4) >>> 0;
    const c = hi >>> 24;
    if (c !== 0) {
        return c < 128 ? 9 : 10;
    }
    if (b !== 0) {
        if (b < 16384) {
            return b < 128 ? 5 : 6;
        }
        return b < 2097152 ? 7 : 8;
    }
    if (a < 16384) {
        return a < 128 ? 1 : 2;
    }
    return a < 2097152 ? 3 : 4;
}
function measureValue(value) {
    if (typeof value === 'undefined')
        return 0;
    if (typeof value === 'number' || typeof value === 'bigint') {
        return measureNumber(value) || 1;
    }
    return value.length;
}
function measureArray(list) {
    let size = 0;
    for (const item of list) {
        size += measureValue(item);
    }
    return size;
}
function measureNumberField(number) {
    const length = measureNumber(number);
    return length ? 1 + length : 0;
}
function measureNumberArrayField(values) {
    let total = 0;
    for (const value of values) {
        // Arrays should always include zeros to keep positions consistent
        total += measureNumber(value) || 1;
    }
    // Packed arrays are encoded as Tag,Len,ConcatenatedElements
    // Tag is only one byte because field number is always < 16 in pprof
    return total ? 1 + measureNumber(total) + total : 0;
}
function measureLengthDelimField(value) {
    const length = measureValue(value);
    // Length delimited records / submessages are encoded as Tag,Len,EncodedRecord
    // Tag is only one byte because field number is always < 16 in pprof
    return length ? 1 + measureNumber(length) + length : 0;
}
function measureLengthDelimArrayField(values) {
    let total = 0;
    for (const value of values) {
        total += measureLengthDelimField(value);
    }
    return total;
}
function encodeNumber(buffer, i, number) {
    if (number === 0 || number === 0n) {
        buffer[i++] = 0;
        return i;
    }
    let [hi, lo] = long(number);
    while (hi) {
        buffer[i++] = lo & 127 | 128;
        lo = (lo >>> 7 | hi << 25) >>> 0;
        hi >>>= 7;
    }
    while (lo > 127) {
        buffer[i++] = lo & 127 | 128;
        lo = lo >>> 7;
    }
    buffer[i++] = lo;
    return i;
}
const emptyTableToken = Symbol();
class StringTable {
    constructor(tok) {
        this.strings = new Array();
        _StringTable_encodings.set(this, new Array());
        _StringTable_positions.set(this, new Map());
        if (tok !== emptyTableToken) {
            this.dedup('');
        }
    }
    get encodedLength() {
        let size = 0;
        for (const encoded of __classPrivateFieldGet(this, _StringTable_encodings, "f")) {
            size += encoded.length;
        }
        return size;
    }
    _encodeToBuffer(buffer, offset) {
        for (const encoded of __classPrivateFieldGet(this, _StringTable_encodings, "f")) {
            buffer.set(encoded, offset);
            offset += encoded.length;
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.encodedLength)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static _encodeStringFromUtf8(stringBuffer) {
        const buffer = new Uint8Array(1 + stringBuffer.length + (measureNumber(stringBuffer.length) || 1));
        let offset = 0;
        buffer[offset++] = 50; // (6 << 3) + kTypeLengthDelim
        offset = encodeNumber(buffer, offset, stringBuffer.length);
        if (stringBuffer.length > 0) {
            buffer.set(stringBuffer, offset);
        }
        return buffer;
    }
    static _encodeString(string) {
        return StringTable._encodeStringFromUtf8(toUtf8(string));
    }
    dedup(string) {
        if (typeof string === 'number')
            return string;
        if (!__classPrivateFieldGet(this, _StringTable_positions, "f").has(string)) {
            const pos = this.strings.push(string) - 1;
            __classPrivateFieldGet(this, _StringTable_positions, "f").set(string, pos);
            // Encode strings on insertion
            __classPrivateFieldGet(this, _StringTable_encodings, "f").push(StringTable._encodeString(string));
        }
        return __classPrivateFieldGet(this, _StringTable_positions, "f").get(string);
    }
    _decodeString(buffer) {
        const string = new TextDecoder().decode(buffer);
        __classPrivateFieldGet(this, _StringTable_positions, "f").set(string, this.strings.push(string) - 1);
        __classPrivateFieldGet(this, _StringTable_encodings, "f").push(StringTable._encodeStringFromUtf8(buffer));
    }
}
_StringTable_encodings = new WeakMap(), _StringTable_positions = new WeakMap();
function decode(buffer, decoder) {
    const data = {};
    let index = 0;
    while (index < buffer.length) {
        const field = buffer[index] >> 3;
        const mode = buffer[index] & 0b111;
        index++;
        const { offset, value } = getValue(mode, buffer.subarray(index));
        index += value.length + offset;
        decoder(data, field, value);
    }
    return data;
}
class ValueType {
    static create(data) {
        return data instanceof ValueType ? data : new ValueType(data);
    }
    constructor(data) {
        this.type = data.type || 0;
        this.unit = data.unit || 0;
    }
    get length() {
        let total = 0;
        total += measureNumberField(this.type);
        total += measureNumberField(this.unit);
        return total;
    }
    _encodeToBuffer(buffer, offset = 0) {
        if (this.type) {
            buffer[offset++] = 8; // (1 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.type);
        }
        if (this.unit) {
            buffer[offset++] = 16; // (2 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.unit);
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.type = decodeNumber(buffer);
                break;
            case 2:
                data.unit = decodeNumber(buffer);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
}
class Label {
    static create(data) {
        return data instanceof Label ? data : new Label(data);
    }
    constructor(data) {
        this.key = data.key || 0;
        this.str = data.str || 0;
        this.num = data.num || 0;
        this.numUnit = data.numUnit || 0;
    }
    get length() {
        let total = 0;
        total += measureNumberField(this.key);
        total += measureNumberField(this.str);
        total += measureNumberField(this.num);
        total += measureNumberField(this.numUnit);
        return total;
    }
    _encodeToBuffer(buffer, offset = 0) {
        if (this.key) {
            buffer[offset++] = 8; // (1 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.key);
        }
        if (this.str) {
            buffer[offset++] = 16; // (2 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.str);
        }
        if (this.num) {
            buffer[offset++] = 24; // (3 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.num);
        }
        if (this.numUnit) {
            buffer[offset++] = 32; // (4 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.numUnit);
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.key = decodeNumber(buffer);
                break;
            case 2:
                data.str = decodeNumber(buffer);
                break;
            case 3:
                data.num = decodeNumber(buffer);
                break;
            case 4:
                data.numUnit = decodeNumber(buffer);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
}
class Sample {
    static create(data) {
        return data instanceof Sample ? data : new Sample(data);
    }
    constructor(data) {
        this.locationId = data.locationId || [];
        this.value = data.value || [];
        this.label = (data.label || []).map(Label.create);
    }
    get length() {
        let total = 0;
        total += measureNumberArrayField(this.locationId);
        total += measureNumberArrayField(this.value);
        total += measureLengthDelimArrayField(this.label);
        return total;
    }
    _encodeToBuffer(buffer, offset = 0) {
        if (this.locationId.length) {
            buffer[offset++] = 10; // (1 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, measureArray(this.locationId));
            for (const locationId of this.locationId) {
                offset = encodeNumber(buffer, offset, locationId);
            }
        }
        if (this.value.length) {
            buffer[offset++] = 18; // (2 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, measureArray(this.value));
            for (const value of this.value) {
                offset = encodeNumber(buffer, offset, value);
            }
        }
        for (const label of this.label) {
            buffer[offset++] = 26; // (3 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, label.length);
            offset = label._encodeToBuffer(buffer, offset);
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.locationId = pushAll(decodeNumbers(buffer), data.locationId);
                break;
            case 2:
                data.value = pushAll(decodeNumbers(buffer), data.value);
                break;
            case 3:
                data.label = push(Label.decode(buffer), data.label);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
}
class Mapping {
    static create(data) {
        return data instanceof Mapping ? data : new Mapping(data);
    }
    constructor(data) {
        this.id = data.id || 0;
        this.memoryStart = data.memoryStart || 0;
        this.memoryLimit = data.memoryLimit || 0;
        this.fileOffset = data.fileOffset || 0;
        this.filename = data.filename || 0;
        this.buildId = data.buildId || 0;
        this.hasFunctions = !!data.hasFunctions;
        this.hasFilenames = !!data.hasFilenames;
        this.hasLineNumbers = !!data.hasLineNumbers;
        this.hasInlineFrames = !!data.hasInlineFrames;
    }
    get length() {
        let total = 0;
        total += measureNumberField(this.id);
        total += measureNumberField(this.memoryStart);
        total += measureNumberField(this.memoryLimit);
        total += measureNumberField(this.fileOffset);
        total += measureNumberField(this.filename);
        total += measureNumberField(this.buildId);
        total += measureNumberField(this.hasFunctions ? 1 : 0);
        total += measureNumberField(this.hasFilenames ? 1 : 0);
        total += measureNumberField(this.hasLineNumbers ? 1 : 0);
        total += measureNumberField(this.hasInlineFrames ? 1 : 0);
        return total;
    }
    _encodeToBuffer(buffer, offset = 0) {
        if (this.id) {
            buffer[offset++] = 8; // (1 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.id);
        }
        if (this.memoryStart) {
            buffer[offset++] = 16; // (2 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.memoryStart);
        }
        if (this.memoryLimit) {
            buffer[offset++] = 24; // (3 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.memoryLimit);
        }
        if (this.fileOffset) {
            buffer[offset++] = 32; // (4 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.fileOffset);
        }
        if (this.filename) {
            buffer[offset++] = 40; // (5 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.filename);
        }
        if (this.buildId) {
            buffer[offset++] = 48; // (6 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.buildId);
        }
        if (this.hasFunctions) {
            buffer[offset++] = 56; // (7 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, 1);
        }
        if (this.hasFilenames) {
            buffer[offset++] = 64; // (8 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, 1);
        }
        if (this.hasLineNumbers) {
            buffer[offset++] = 72; // (9 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, 1);
        }
        if (this.hasInlineFrames) {
            buffer[offset++] = 80; // (10 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, 1);
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.id = decodeNumber(buffer);
                break;
            case 2:
                data.memoryStart = decodeNumber(buffer);
                break;
            case 3:
                data.memoryLimit = decodeNumber(buffer);
                break;
            case 4:
                data.fileOffset = decodeNumber(buffer);
                break;
            case 5:
                data.filename = decodeNumber(buffer);
                break;
            case 6:
                data.buildId = decodeNumber(buffer);
                break;
            case 7:
                data.hasFunctions = !!decodeNumber(buffer);
                break;
            case 8:
                data.hasFilenames = !!decodeNumber(buffer);
                break;
            case 9:
                data.hasLineNumbers = !!decodeNumber(buffer);
                break;
            case 10:
                data.hasInlineFrames = !!decodeNumber(buffer);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
}
class Line {
    static create(data) {
        return data instanceof Line ? data : new Line(data);
    }
    constructor(data) {
        this.functionId = data.functionId || 0;
        this.line = data.line || 0;
        this.column = data.column || 0;
    }
    get length() {
        let total = 0;
        total += measureNumberField(this.functionId);
        total += measureNumberField(this.line);
        total += measureNumberField(this.column);
        return total;
    }
    _encodeToBuffer(buffer, offset = 0) {
        if (this.functionId) {
            buffer[offset++] = 8; // (1 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.functionId);
        }
        if (this.line) {
            buffer[offset++] = 16; // (2 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.line);
        }
        if (this.column) {
            buffer[offset++] = 24; // (3 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.column);
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.functionId = decodeNumber(buffer);
                break;
            case 2:
                data.line = decodeNumber(buffer);
                break;
            case 3:
                data.column = decodeNumber(buffer);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
}
class Location {
    static create(data) {
        return data instanceof Location ? data : new Location(data);
    }
    constructor(data) {
        this.id = data.id || 0;
        this.mappingId = data.mappingId || 0;
        this.address = data.address || 0;
        this.line = (data.line || []).map(Line.create);
        this.isFolded = !!data.isFolded;
    }
    get length() {
        let total = 0;
        total += measureNumberField(this.id);
        total += measureNumberField(this.mappingId);
        total += measureNumberField(this.address);
        total += measureLengthDelimArrayField(this.line);
        total += measureNumberField(this.isFolded ? 1 : 0);
        return total;
    }
    _encodeToBuffer(buffer, offset = 0) {
        if (this.id) {
            buffer[offset++] = 8; // (1 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.id);
        }
        if (this.mappingId) {
            buffer[offset++] = 16; // (2 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.mappingId);
        }
        if (this.address) {
            buffer[offset++] = 24; // (3 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.address);
        }
        for (const line of this.line) {
            buffer[offset++] = 34; // (4 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, line.length);
            offset = line._encodeToBuffer(buffer, offset);
        }
        if (this.isFolded) {
            buffer[offset++] = 40; // (5 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, 1);
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.id = decodeNumber(buffer);
                break;
            case 2:
                data.mappingId = decodeNumber(buffer);
                break;
            case 3:
                data.address = decodeNumber(buffer);
                break;
            case 4:
                data.line = push(Line.decode(buffer), data.line);
                break;
            case 5:
                data.isFolded = !!decodeNumber(buffer);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
}
let Function$1 = class Function {
    static create(data) {
        return data instanceof Function ? data : new Function(data);
    }
    constructor(data) {
        this.id = data.id || 0;
        this.name = data.name || 0;
        this.systemName = data.systemName || 0;
        this.filename = data.filename || 0;
        this.startLine = data.startLine || 0;
    }
    get length() {
        let total = 0;
        total += measureNumberField(this.id);
        total += measureNumberField(this.name);
        total += measureNumberField(this.systemName);
        total += measureNumberField(this.filename);
        total += measureNumberField(this.startLine);
        return total;
    }
    _encodeToBuffer(buffer, offset = 0) {
        if (this.id) {
            buffer[offset++] = 8; // (1 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.id);
        }
        if (this.name) {
            buffer[offset++] = 16; // (2 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.name);
        }
        if (this.systemName) {
            buffer[offset++] = 24; // (3 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.systemName);
        }
        if (this.filename) {
            buffer[offset++] = 32; // (4 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.filename);
        }
        if (this.startLine) {
            buffer[offset++] = 40; // (5 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.startLine);
        }
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.id = decodeNumber(buffer);
                break;
            case 2:
                data.name = decodeNumber(buffer);
                break;
            case 3:
                data.systemName = decodeNumber(buffer);
                break;
            case 4:
                data.filename = decodeNumber(buffer);
                break;
            case 5:
                data.startLine = decodeNumber(buffer);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
};
class Profile {
    constructor(data = {}) {
        this.sampleType = (data.sampleType || []).map(ValueType.create);
        this.sample = (data.sample || []).map(Sample.create);
        this.mapping = (data.mapping || []).map(Mapping.create);
        this.location = (data.location || []).map(Location.create);
        this.function = (data.function || []).map(Function$1.create);
        this.stringTable = data.stringTable || new StringTable();
        this.dropFrames = data.dropFrames || 0;
        this.keepFrames = data.keepFrames || 0;
        this.timeNanos = data.timeNanos || 0;
        this.durationNanos = data.durationNanos || 0;
        this.periodType = data.periodType ? ValueType.create(data.periodType) : undefined;
        this.period = data.period || 0;
        this.comment = data.comment || [];
        this.defaultSampleType = data.defaultSampleType || 0;
        this.docUrl = data.docUrl || 0;
    }
    get length() {
        let total = 0;
        total += measureLengthDelimArrayField(this.sampleType);
        total += measureLengthDelimArrayField(this.sample);
        total += measureLengthDelimArrayField(this.mapping);
        total += measureLengthDelimArrayField(this.location);
        total += measureLengthDelimArrayField(this.function);
        total += this.stringTable.encodedLength;
        total += measureNumberField(this.dropFrames);
        total += measureNumberField(this.keepFrames);
        total += measureNumberField(this.timeNanos);
        total += measureNumberField(this.durationNanos);
        total += measureLengthDelimField(this.periodType);
        total += measureNumberField(this.period);
        total += measureNumberArrayField(this.comment);
        total += measureNumberField(this.defaultSampleType);
        total += measureNumberField(this.docUrl);
        return total;
    }
    _encodeSampleTypesToBuffer(buffer, offset = 0) {
        for (const sampleType of this.sampleType) {
            buffer[offset++] = 10; // (1 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, sampleType.length);
            offset = sampleType._encodeToBuffer(buffer, offset);
        }
        return offset;
    }
    _encodeSamplesToBuffer(buffer, offset = 0) {
        for (const sample of this.sample) {
            buffer[offset++] = 18; // (2 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, sample.length);
            offset = sample._encodeToBuffer(buffer, offset);
        }
        return offset;
    }
    _encodeMappingsToBuffer(buffer, offset = 0) {
        for (const mapping of this.mapping) {
            buffer[offset++] = 26; // (3 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, mapping.length);
            offset = mapping._encodeToBuffer(buffer, offset);
        }
        return offset;
    }
    _encodeLocationsToBuffer(buffer, offset = 0) {
        for (const location of this.location) {
            buffer[offset++] = 34; // (4 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, location.length);
            offset = location._encodeToBuffer(buffer, offset);
        }
        return offset;
    }
    _encodeFunctionsToBuffer(buffer, offset = 0) {
        for (const fun of this.function) {
            buffer[offset++] = 42; // (5 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, fun.length);
            offset = fun._encodeToBuffer(buffer, offset);
        }
        return offset;
    }
    _encodeBasicValuesToBuffer(buffer, offset = 0) {
        if (this.dropFrames) {
            buffer[offset++] = 56; // (7 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.dropFrames);
        }
        if (this.keepFrames) {
            buffer[offset++] = 64; // (8 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.keepFrames);
        }
        if (this.timeNanos) {
            buffer[offset++] = 72; // (9 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.timeNanos);
        }
        if (this.durationNanos) {
            buffer[offset++] = 80; // (10 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.durationNanos);
        }
        if (typeof this.periodType !== 'undefined') {
            buffer[offset++] = 90; // (11 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, this.periodType.length);
            offset = this.periodType._encodeToBuffer(buffer, offset);
        }
        if (this.period) {
            buffer[offset++] = 96; // (12 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.period);
        }
        if (this.comment.length) {
            buffer[offset++] = 106; // (13 << 3) + kTypeLengthDelim
            offset = encodeNumber(buffer, offset, measureArray(this.comment));
            for (const comment of this.comment) {
                offset = encodeNumber(buffer, offset, comment);
            }
        }
        if (this.defaultSampleType) {
            buffer[offset++] = 112; // (14 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.defaultSampleType);
        }
        if (this.docUrl) {
            buffer[offset++] = 120; // (15 << 3) + kTypeVarInt
            offset = encodeNumber(buffer, offset, this.docUrl);
        }
        return offset;
    }
    _encodeToBuffer(buffer, offset = 0) {
        offset = this._encodeSampleTypesToBuffer(buffer, offset);
        offset = this._encodeSamplesToBuffer(buffer, offset);
        offset = this._encodeMappingsToBuffer(buffer, offset);
        offset = this._encodeLocationsToBuffer(buffer, offset);
        offset = this._encodeFunctionsToBuffer(buffer, offset);
        offset = this.stringTable._encodeToBuffer(buffer, offset);
        offset = this._encodeBasicValuesToBuffer(buffer, offset);
        return offset;
    }
    async _encodeToBufferAsync(buffer, offset = 0) {
        offset = this._encodeSampleTypesToBuffer(buffer, offset);
        await new Promise(setImmediate);
        offset = this._encodeSamplesToBuffer(buffer, offset);
        await new Promise(setImmediate);
        offset = this._encodeMappingsToBuffer(buffer, offset);
        await new Promise(setImmediate);
        offset = this._encodeLocationsToBuffer(buffer, offset);
        await new Promise(setImmediate);
        offset = this._encodeFunctionsToBuffer(buffer, offset);
        await new Promise(setImmediate);
        offset = this.stringTable._encodeToBuffer(buffer, offset);
        await new Promise(setImmediate);
        offset = this._encodeBasicValuesToBuffer(buffer, offset);
        return offset;
    }
    encode(buffer = new Uint8Array(this.length)) {
        this._encodeToBuffer(buffer, 0);
        return buffer;
    }
    async encodeAsync(buffer = new Uint8Array(this.length)) {
        await this._encodeToBufferAsync(buffer, 0);
        return buffer;
    }
    static decodeValue(data, field, buffer) {
        switch (field) {
            case 1:
                data.sampleType = push(ValueType.decode(buffer), data.sampleType);
                break;
            case 2:
                data.sample = push(Sample.decode(buffer), data.sample);
                break;
            case 3:
                data.mapping = push(Mapping.decode(buffer), data.mapping);
                break;
            case 4:
                data.location = push(Location.decode(buffer), data.location);
                break;
            case 5:
                data.function = push(Function$1.decode(buffer), data.function);
                break;
            case 6: {
                if (data.stringTable === undefined) {
                    data.stringTable = new StringTable(emptyTableToken);
                }
                data.stringTable._decodeString(buffer);
                break;
            }
            case 7:
                data.dropFrames = decodeNumber(buffer);
                break;
            case 8:
                data.keepFrames = decodeNumber(buffer);
                break;
            case 9:
                data.timeNanos = decodeNumber(buffer);
                break;
            case 10:
                data.durationNanos = decodeNumber(buffer);
                break;
            case 11:
                data.periodType = ValueType.decode(buffer);
                break;
            case 12:
                data.period = decodeNumber(buffer);
                break;
            case 13:
                data.comment = pushAll(decodeNumbers(buffer), data.comment);
                break;
            case 14:
                data.defaultSampleType = decodeNumber(buffer);
                break;
            case 15:
                data.docUrl = decodeNumber(buffer);
                break;
        }
    }
    static decode(buffer) {
        return new this(decode(buffer, this.decodeValue));
    }
}

// Decodes a gzipped pprof profile into the plain structure of profile.ts.
/** The most a profile may decompress to: a gzip bomb stops here instead of filling memory. */
const MAX_DECODED_PROFILE_BYTES = 512 * 1024 * 1024;
/** A profile over a size cap, read or decoded; not worth a retry. */
class ProfileTooLargeError extends GateError {
}
/**
 * pprof-format returns values above 2^28 as bigint and negative int64 as large
 * unsigned bigints; both fit a double for the magnitudes a profile holds.
 */
function toNumber(v) {
    return typeof v === 'number' ? v : Number(BigInt.asIntN(64, v));
}
function decodeProfile(gz, maxDecodedBytes = MAX_DECODED_PROFILE_BYTES) {
    const raw = decodeProtobuf(gunzipCapped(gz, maxDecodedBytes));
    const strings = raw.stringTable.strings;
    const str = (i) => strings[toNumber(i)] ?? '';
    const valueType = (t) => ({
        type: str(t.type),
        unit: str(t.unit)
    });
    const functions = new Map();
    for (const f of raw.function)
        functions.set(toNumber(f.id), { name: str(f.name), file: str(f.filename) });
    // Frames are shared between the samples of a location: a profile repeats locations a lot.
    const locations = new Map();
    for (const loc of raw.location) {
        const frames = loc.line.map((l) => {
            const fn = functions.get(toNumber(l.functionId));
            return { function: fn?.name ?? '?', file: fn?.file ?? '', line: toNumber(l.line) };
        });
        if (frames.length === 0)
            frames.push({ function: `0x${toNumber(loc.address).toString(16)}`, file: '', line: 0 });
        locations.set(toNumber(loc.id), frames);
    }
    const samples = raw.sample.map((s) => {
        // locationId[0] is the leaf; within a location, line[0] is the innermost inlined call.
        const stack = s.locationId.flatMap((id) => locations.get(toNumber(id)) ?? []);
        const numLabels = {};
        for (const l of s.label)
            if (toNumber(l.str) === 0)
                numLabels[str(l.key)] = toNumber(l.num);
        return { values: s.value.map(toNumber), stack, numLabels };
    });
    return {
        sampleTypes: raw.sampleType.map(valueType),
        samples,
        periodType: raw.periodType ? valueType(raw.periodType) : undefined,
        period: toNumber(raw.period),
        timeNanos: toNumber(raw.timeNanos)
    };
}
/** What the endpoint sent is not a profile: said in the words of the decoder, as a GateError. */
function decodeProtobuf(bytes) {
    try {
        return Profile.decode(bytes);
    }
    catch (e) {
        throw new GateError(`not a pprof profile: ${e.message}`);
    }
}
function gunzipCapped(gz, maxBytes) {
    try {
        return gunzipSync(gz, { maxOutputLength: maxBytes });
    }
    catch (e) {
        if (e.code !== 'ERR_BUFFER_TOO_LARGE')
            throw new GateError(`not a gzipped pprof profile: ${e.message}`);
        throw new ProfileTooLargeError(`a profile decompresses to more than ${formatBytes(maxBytes)}, the most memgate decodes; raise max-profile-size if the service's profiles are this large`);
    }
}

// Parses /debug/pprof/goroutine?debug=2: what the binary profile leaves out, namely the
// runtime's own wait reason, how long a goroutine has waited, and who created it.
const headerRe = /^goroutine \d+(?: [^[]*)? \[(.*)\]:$/;
// The argument list is the last parenthesis; "(*conn)" in a method name is not.
const callRe = /^(.+?)(?:\([^()]*\))?$/;
const positionRe = /^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$/;
const createdRe = /^created by (\S+)(?: in goroutine \d+)?$/;
function parseGoroutines(text) {
    const goroutines = [];
    for (const block of text.split(/\n\s*\n/)) {
        const lines = block.split('\n').filter((l) => l !== '');
        const header = headerRe.exec(lines[0] ?? '');
        if (!header)
            continue;
        // "[chan receive (leaked), 2 minutes, locked to thread]"
        const [status, ...rest] = header[1].split(', ');
        const minutes = rest.map((r) => /^(\d+) minutes?$/.exec(r)).find((m) => m);
        const g = {
            reason: status.replace(/ \((leaked|scan|durable)\)/g, ''),
            minutes: minutes ? Number(minutes[1]) : 0,
            leaked: status.includes('(leaked)'),
            stack: []
        };
        // Frames come in pairs: the call, then its file:line.
        for (let i = 1; i + 1 < lines.length; i += 2) {
            const position = positionRe.exec(lines[i + 1]);
            if (!position) {
                i--; // "...additional frames elided..." has no position line
                continue;
            }
            const frame = { file: position[1], line: Number(position[2]) };
            const created = createdRe.exec(lines[i]);
            if (created)
                g.createdBy = { function: created[1], ...frame };
            else
                g.stack.push({ function: callRe.exec(lines[i])[1], ...frame });
        }
        goroutines.push(g);
    }
    return goroutines;
}
function mostCommon(values) {
    const counts = new Map();
    for (const v of values)
        counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
function parseGoroutineText(text, options = {}) {
    const isOwn = options.isOwn ?? ownCode(options.modulePaths ?? []);
    const byKey = new Map();
    for (const g of parseGoroutines(text)) {
        if (g.stack.length === 0)
            continue;
        const frame = g.stack[siteIndex(g.stack, isOwn)];
        const key = frameString(frame);
        const entry = byKey.get(key) ?? { frame, goroutines: [] };
        entry.goroutines.push(g);
        byKey.set(key, entry);
    }
    return [...byKey.values()]
        .map(({ frame, goroutines }) => ({
        ...frame,
        count: goroutines.length,
        waitReason: mostCommon(goroutines.map((g) => g.reason)),
        createdBy: mostCommon(goroutines.flatMap((g) => (g.createdBy ? [frameString(g.createdBy)] : []))),
        maxWaitMinutes: Math.max(...goroutines.map((g) => g.minutes)),
        leakedCount: goroutines.filter((g) => g.leaked).length
    }))
        .sort((a, b) => b.count - a.count);
}

// Reduces a goroutine profile to groups of goroutines blocked at the same line.
// Prefixes of the call a goroutine blocks in, the user-facing call before its runtime internals.
const waitReasons = [
    ['runtime.chanrecv', 'channel receive'],
    ['runtime.chansend', 'channel send'],
    ['runtime.selectgo', 'select'],
    ['runtime.block', 'select (no cases)'],
    ['sync.(*WaitGroup).Wait', 'WaitGroup'],
    ['sync.(*Cond).Wait', 'condition variable'],
    ['sync.(*Mutex).', 'mutex'],
    ['sync.(*RWMutex).', 'mutex'],
    ['internal/sync.(*Mutex).', 'mutex'],
    ['sync.runtime_Semacquire', 'mutex'],
    ['runtime.semacquire', 'mutex'],
    ['time.Sleep', 'sleep'],
    ['internal/poll.', 'network I/O'],
    ['runtime.netpoll', 'network I/O'],
    ['syscall.', 'system call']
];
/**
 * What a stack waits on: the outermost recognised call at or below the site, so
 * sync.(*WaitGroup).Wait wins over the semacquire it calls.
 */
function waitReason(stack, site) {
    for (let i = site; i >= 0; i--) {
        const fn = stack[i].function;
        const match = waitReasons.find(([prefix]) => fn.startsWith(prefix));
        if (match)
            return match[1];
    }
    return undefined;
}
function summarizeGoroutines(p, options = {}) {
    const isOwn = options.isOwn ?? ownCode(options.modulePaths ?? []);
    const groups = new Map();
    let total = 0;
    for (const s of p.samples) {
        const count = s.values[0] ?? 0;
        total += count;
        if (count <= 0 || s.stack.length === 0)
            continue;
        const at = siteIndex(s.stack, isOwn);
        const frame = s.stack[at];
        const key = frameString(frame);
        let group = groups.get(key);
        if (!group) {
            group = { ...frame, callPath: [], count: 0, largestCount: 0 };
            groups.set(key, group);
        }
        group.count += count;
        if (count > group.largestCount) {
            group.largestCount = count;
            group.callPath = callPath(s.stack, at);
            group.waitReason = waitReason(s.stack, at);
        }
    }
    return {
        total,
        groups: [...groups.values()]
            .map(({ largestCount: _, ...group }) => group)
            .sort((a, b) => b.count - a.count)
    };
}

// A strict parser of the Prometheus text exposition format (0.0.4, and OpenMetrics' extra
// comment lines), for reading a Go service's /metrics. Strict on purpose: an HTML page, a
// JSON body or a pprof page at the wrong URL is an error that names the line, never a set of
// made-up samples. The npm parser of this format (parse-prometheus-text-format, last
// published 2019) takes any line as a sample and drops the last one without a final newline.
class ExpositionError extends Error {
}
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[ \\t]*[a-zA-Z_][a-zA-Z0-9_]*[ \\t]*=[ \\t]*"(?:[^"\\\\\\n]|\\\\.)*"[ \\t]*';
// Go's strconv.ParseFloat as client_golang writes it: decimals, exponents, ±Inf, NaN.
const VALUE = '[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|[Ii]nf|NaN)';
const SAMPLE = new RegExp(
// name, optional {labels} (a trailing comma allowed), value, optional timestamp (ms, or
// OpenMetrics' seconds), optional OpenMetrics exemplar after " # ".
`^(${NAME})[ \\t]*(?:\\{((?:${LABEL},)*(?:${LABEL})?)\\})?[ \\t]+(${VALUE})(?:[ \\t]+-?\\d+(?:\\.\\d+)?)?(?:[ \\t]+#[ \\t].*)?[ \\t]*$`);
const ONE_LABEL = /[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\\n]|\\.)*)"/g;
const HELP = new RegExp(`^#[ \\t]+HELP[ \\t]+${NAME}(?:[ \\t].*)?$`);
const TYPE = new RegExp(`^#[ \\t]+TYPE[ \\t]+${NAME}[ \\t]+(?:counter|gauge|histogram|summary|untyped|gaugehistogram|stateset|info|unknown)[ \\t]*$`);
/** Every sample of the text; an ExpositionError names the first line that is not the format. */
function parseExposition(text) {
    const samples = [];
    text.split('\n').forEach((raw, i) => {
        const line = raw.replace(/\r$/, '');
        if (line.trim() === '')
            return;
        if (line.startsWith('#')) {
            // HELP and TYPE have a grammar; any other comment (OpenMetrics' # UNIT, # EOF) is free.
            const keyword = /^#[ \t]+(HELP|TYPE)\b/.exec(line)?.[1];
            if ((keyword === 'HELP' && !HELP.test(line)) || (keyword === 'TYPE' && !TYPE.test(line)))
                throw notTheFormat(i, line);
            return;
        }
        const m = SAMPLE.exec(line);
        if (!m)
            throw notTheFormat(i, line);
        const labels = {};
        for (const [, name, value] of (m[2] ?? '').matchAll(ONE_LABEL))
            labels[name] = unescapeLabel(value);
        samples.push({ name: m[1], labels, value: parseValue(m[3]) });
    });
    return samples;
}
function notTheFormat(index, line) {
    const shown = line.length > 60 ? `${line.slice(0, 60)}…` : line;
    return new ExpositionError(`line ${index + 1} is not Prometheus text: ${JSON.stringify(shown)}; give the URL where the service serves /metrics`);
}
function parseValue(text) {
    if (/inf$/i.test(text))
        return text.startsWith('-') ? -Infinity : Infinity;
    return text.endsWith('NaN') ? NaN : Number(text);
}
function unescapeLabel(text) {
    return text.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
}

// GET over node:http(s), one connection a request, with a deadline, an abort signal and a
// size cap: how memgate reads the service's endpoints while it samples. Not fetch: over a
// thousand requests undici's fetch grew memgate's RSS by about 60 MiB where node:http
// stays flat (issue 11), and a long gate makes thousands.
function httpGet(url, options) {
    return new Promise((resolve, reject) => {
        if (options.signal?.aborted)
            return reject(options.signal.reason);
        const target = new URL(url);
        const send = target.protocol === 'https:' ? request : request$1;
        // agent false: a connection of its own, closed after the answer. A kept-alive connection
        // that is replaced now and then adds the server's goroutine for it to some counts only.
        const req = send(target, { agent: false, headers: { connection: 'close', ...options.headers } }, (res) => read(res, res.statusCode ?? 0));
        const timer = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms (timeout)`)), options.timeoutMs);
        const onAbort = () => req.destroy(options.signal?.reason ?? new Error('aborted'));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
        };
        req.once('error', (e) => {
            done();
            reject(e);
        });
        req.end();
        function read(res, status) {
            const ok = status >= 200 && status < 300;
            const cap = ok ? options.maxBytes : (options.maxErrorBytes ?? 1024);
            const answer = (bytes, cut) => {
                done();
                if (cut)
                    req.destroy();
                resolve({ status, ok, bytes, cut });
            };
            // Content-Length, when given, tells at once; else reading stops at the cap.
            if (ok && Number(res.headers['content-length'] ?? 0) > cap)
                return answer(Buffer.alloc(0), true);
            const chunks = [];
            let total = 0;
            res.on('data', (chunk) => {
                if (total + chunk.length > cap) {
                    chunks.push(chunk.subarray(0, cap - total));
                    res.removeAllListeners('data');
                    return answer(Buffer.concat(chunks), true);
                }
                chunks.push(chunk);
                total += chunk.length;
            });
            res.once('end', () => answer(Buffer.concat(chunks, total), false));
            res.once('error', (e) => {
                done();
                reject(e);
            });
        }
    });
}
/** A failed answer in one line: its status and the start of its page, without terminal escapes. */
function failureLine(answer) {
    const page = stripControl(answer.bytes.toString('utf8', 0, 200)).replace(/\s+/g, ' ');
    return `HTTP ${answer.status} ${page}`.trim();
}

// Reads a Go service's Prometheus /metrics, for services that serve client_golang's metrics
// but not net/http/pprof: the live heap, the goroutine count and the RSS of one sample.
// Nothing here can force a GC, so the heap read this way carries what the last GC left plus,
// for go_memstats_heap_alloc_bytes, what was allocated since: noisier than pprof's readings.
/** The most read of one /metrics page: client_golang's defaults take about 10 KiB. */
const MAX_METRICS_BYTES = 16 * 1024 * 1024;
// Both formats client_golang serves; the text format first, as it needs no # EOF.
const ACCEPT = 'text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5';
/**
 * Where the live heap came from, best first: the runtime metric /gc/heap/live:bytes (the heap
 * the last GC marked live; client_golang exports it when the Go collector is given
 * collectors.WithGoCollectorRuntimeMetrics with a rule matching it, e.g. collectors.MetricsGC),
 * else runtime.MemStats.HeapAlloc, which also counts what was allocated since the last GC.
 */
const HEAP_SOURCES = ['go_gc_heap_live_bytes', 'go_memstats_heap_alloc_bytes'];
class MetricsClient {
    url;
    timeoutMs;
    signal;
    target;
    // Closed after each request, as pprof-client.ts does: go_goroutines counts our connection.
    headers = { accept: ACCEPT, connection: 'close' };
    constructor(url, timeoutMs, signal) {
        this.url = url;
        this.timeoutMs = timeoutMs;
        this.signal = signal;
        // fetch refuses a URL with credentials: a protected /metrics gets them as basic auth.
        const parsed = new URL(url);
        if (parsed.username || parsed.password) {
            const user = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
            this.headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
            parsed.username = parsed.password = '';
        }
        this.target = parsed.toString();
    }
    /** GET metrics-url; retried once on failure. The error of the retry is thrown. */
    async text() {
        try {
            return await this.once();
        }
        catch (e) {
            if (this.signal?.aborted)
                throw e;
            return await this.once();
        }
    }
    async once() {
        let res;
        try {
            res = await httpGet(this.target, {
                headers: this.headers,
                timeoutMs: this.timeoutMs,
                signal: this.signal,
                maxBytes: MAX_METRICS_BYTES
            });
        }
        catch (e) {
            if (this.signal?.aborted)
                throw e;
            throw this.error(`no answer (${e.message})`);
        }
        if (!res.ok)
            throw this.error(failureLine(res));
        if (res.cut)
            throw this.error(`larger than ${formatBytes(MAX_METRICS_BYTES)}, the most memgate reads`);
        return res.bytes.toString('utf8');
    }
    error(what) {
        return new GateError(`metrics-url: ${redactUrl(this.url)}: ${what}`);
    }
}
/** One sample's values from metrics-url. Errors are one line that names metrics-url. */
async function readMetrics(client) {
    const text = await client.text();
    try {
        return metricsReading(parseExposition(text));
    }
    catch (e) {
        if (!(e instanceof ExpositionError))
            throw e;
        throw client.error(e.message);
    }
}
/** The gauges client_golang's Go and process collectors export, from parsed /metrics. */
function metricsReading(samples) {
    const gauge = (name) => {
        const sample = samples.find((s) => s.name === name && Object.keys(s.labels).length === 0);
        if (!sample)
            return null;
        if (!Number.isFinite(sample.value) || sample.value < 0)
            throw new ExpositionError(`${name} is ${sample.value}, not a count or a size`);
        return sample.value;
    };
    const heap = HEAP_SOURCES.flatMap((source) => {
        const bytes = gauge(source);
        return bytes === null ? [] : [{ source, bytes }];
    })[0];
    const goroutines = gauge('go_goroutines');
    if (!heap || goroutines === null) {
        const missing = [
            ...(heap ? [] : [HEAP_SOURCES.join(' or ')]),
            ...(goroutines === null ? ['go_goroutines'] : [])
        ];
        throw new ExpositionError(samples.length === 0
            ? "no metrics; give the URL where the service serves client_golang's /metrics"
            : `no ${missing.join(' and no ')}; serve client_golang's Go collector there (promhttp.Handler() does)`);
    }
    return {
        liveHeapBytes: heap.bytes,
        goroutines,
        rssBytes: gauge('process_resident_memory_bytes'),
        heapSource: heap.source
    };
}
/**
 * Which endpoint a run reads. `auto` keeps pprof whenever it answers: only pprof forces a GC
 * and names the leaking line; metrics are the fallback when `metrics-url` is set.
 */
function pickSource(source, pprofAnswers, metricsUrl) {
    if (source !== 'auto')
        return source;
    return !pprofAnswers && metricsUrl ? 'metrics' : 'pprof';
}

// Fetches profiles from net/http/pprof, with a timeout, one retry and a size cap.
/** The most read of one response; a future `max-profile-size` input sets it. */
const MAX_PROFILE_BYTES = 256 * 1024 * 1024;
// An error page is shown in one line: its start is enough.
const ERROR_BODY_BYTES = 1024;
class PprofClient {
    baseUrl;
    timeoutMs;
    signal;
    maxBodyBytes;
    constructor(baseUrl, timeoutMs, signal, maxBodyBytes = MAX_PROFILE_BYTES) {
        this.baseUrl = baseUrl;
        this.timeoutMs = timeoutMs;
        this.signal = signal;
        this.maxBodyBytes = maxBodyBytes;
    }
    /** GET {pprof-url}/{path}; retried once on failure, but not when too large. The error of the retry is thrown. */
    async get(path) {
        try {
            return await this.once(path);
        }
        catch (e) {
            if (this.signal?.aborted || e instanceof ProfileTooLargeError)
                throw e;
            return await this.once(path);
        }
    }
    async once(path) {
        const res = await httpGet(`${this.baseUrl}/${path}`, {
            timeoutMs: this.timeoutMs,
            signal: this.signal,
            maxBytes: this.maxBodyBytes,
            maxErrorBytes: ERROR_BODY_BYTES
        });
        if (!res.ok)
            throw new GateError(`${path}: ${failureLine(res)}`);
        if (res.cut)
            throw new ProfileTooLargeError(`${path}: the response is larger than ${formatBytes(this.maxBodyBytes)}, the most memgate reads; raise max-profile-size if the service's profiles are this large`);
        return res.bytes;
    }
}
/** The exact post-GC live heap from `heap?gc=1&debug=1`, whose trailer prints runtime.MemStats. */
function parseMemStats(text) {
    const field = (name) => {
        const m = new RegExp(`^# ${name} = (\\d+)$`, 'm').exec(text);
        if (!m)
            throw new GateError(`heap?debug=1 has no "# ${name}" line: is this a Go net/http/pprof endpoint?`);
        return Number(m[1]);
    };
    return { heapAllocBytes: field('HeapAlloc'), heapObjects: field('HeapObjects') };
}
/** The exact goroutine count: the first line of `goroutine?debug=1`. */
function parseGoroutineTotal(text) {
    const m = /^goroutine profile: total (\d+)$/m.exec(text);
    if (!m)
        throw new GateError('goroutine?debug=1 has no "goroutine profile: total" line: is this a Go net/http/pprof endpoint?');
    return Number(m[1]);
}

// One reading of the live heap and the goroutine count, taken so that it measures what
// the service retains, not what requests in flight hold at that instant.
/**
 * Quiesced: the load is paused until nothing is in flight, then the heap is read after two
 * forced GCs (the second empties what sync.Pool's victim cache kept through the first).
 * The least of several readings is the fallback, when the load cannot be paused or does
 * not drain, and the whole method when quiescing is off: a forced GC under load counts what
 * requests in flight hold, noise that only ever adds, so the least of a few readings a
 * moment apart sits closest to what is retained.
 */
const LEAST_OF_READINGS = 4;
const READING_GAP_MS = 50;
/** How long a paused load may take to drain before the fallback is used. */
const DRAIN_TIMEOUT_MS = 2000;
/** A load-command is drained when the goroutine count holds over this gap. */
const SETTLE_GAP_MS = 20;
async function takeReading(req) {
    if (!req.quiesce) {
        const reading = await leastOfReadings(req);
        await req.whilePaused?.();
        return { ...reading, method: 'least-of-4', pauseMs: 0, notDrained: false };
    }
    const started = Date.now();
    try {
        const drained = await drain(req, await req.load.pause(DRAIN_TIMEOUT_MS));
        const reading = drained ? await quiescedReading(req) : await leastOfReadings(req);
        await req.whilePaused?.();
        return {
            ...reading,
            method: drained ? 'quiesced' : 'least-of-4',
            pauseMs: Date.now() - started,
            notDrained: !drained
        };
    }
    finally {
        req.load.resume();
    }
}
/** Waits until nothing is in flight; a frozen load-command has drained when the goroutines settle. */
async function drain(req, state) {
    if (state === 'busy')
        return false;
    if (state === 'frozen') {
        const deadline = Date.now() + DRAIN_TIMEOUT_MS;
        let before = await goroutineTotal(req.client);
        for (;;) {
            await sleep(SETTLE_GAP_MS, req.signal);
            const now = await goroutineTotal(req.client);
            if (now === before)
                break;
            if (Date.now() > deadline)
                return false;
            before = now;
        }
    }
    // Handlers that have just answered are still returning: let them finish.
    await sleep(SETTLE_GAP_MS, req.signal);
    return true;
}
/**
 * No CPU tick over GCs that took this long: the service's work is not in the process group
 * read (a start-command that ran it under setsid), so the wall time stands for it. Shorter
 * GCs may well fit between two 10 ms ticks.
 */
const CPU_UNSEEN_AFTER_MS = 50;
const cpuUnseen = (cpuSec, wallMs) => cpuSec <= 0 && wallMs >= CPU_UNSEEN_AFTER_MS;
async function quiescedReading(req) {
    const cpuBefore = req.serviceCpuSec();
    const started = performance.now();
    await req.client.get('heap?gc=1&debug=1');
    const heap = parseMemStats((await req.client.get('heap?gc=1&debug=1')).toString('utf8'));
    const wallMs = performance.now() - started;
    const cpuAfter = cpuBefore === null ? null : req.serviceCpuSec();
    return {
        liveHeapBytes: heap.heapAllocBytes,
        liveHeapObjects: heap.heapObjects,
        // Read before the goroutine count, which forces no GC and is no part of the cost.
        ...(cpuBefore === null || cpuAfter === null || cpuUnseen(cpuAfter - cpuBefore, wallMs)
            ? { gcCostMs: wallMs, gcCostMeasure: 'wall' }
            : { gcCostMs: 1000 * Math.max(0, cpuAfter - cpuBefore), gcCostMeasure: 'cpu' }),
        goroutines: await goroutineTotal(req.client)
    };
}
async function leastOfReadings(req) {
    let heap = { heapAllocBytes: Infinity, heapObjects: 0 };
    let goroutines = Infinity;
    let wallMs = 0;
    for (let r = 0; r < LEAST_OF_READINGS; r++) {
        if (r > 0)
            await sleep(READING_GAP_MS, req.signal);
        if (req.signal?.aborted)
            throw new GateError('cancelled while sampling');
        const started = performance.now();
        const reading = parseMemStats((await req.client.get('heap?gc=1&debug=1')).toString('utf8'));
        wallMs += performance.now() - started;
        if (reading.heapAllocBytes < heap.heapAllocBytes)
            heap = reading;
        goroutines = Math.min(goroutines, await goroutineTotal(req.client));
    }
    // Under load the service's CPU time counts the requests it served too: the GCs' wall time stands in.
    return {
        liveHeapBytes: heap.heapAllocBytes,
        liveHeapObjects: heap.heapObjects,
        goroutines,
        gcCostMs: wallMs,
        gcCostMeasure: 'wall'
    };
}
async function goroutineTotal(client) {
    return parseGoroutineTotal((await client.get('goroutine?debug=1')).toString('utf8'));
}

// The service's process group as the sampler sees it: its members, read once a sample, their
// resident set size (/proc on Linux, ps on macOS, nothing elsewhere) and their CPU time
// (Linux only). /proc is read synchronously: its files never wait on a disk, and the
// promise API's open/stat/read/close per file cost memgate more CPU than the reads.
const execFileAsync = promisify(execFile);
/** The processes of group `pgid`, found once for the reads of a sample. */
function readGroup(pgid) {
    if (process.platform !== 'linux')
        return { pgid, pids: [] };
    const pids = [];
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry))
            continue;
        const fields = statFields(Number(entry));
        if (fields && Number(fields[2]) === pgid)
            pids.push(Number(entry));
    }
    return { pgid, pids };
}
/** Bytes resident in all processes of the group, or null where the platform gives none. */
async function groupRssBytes(group) {
    if (process.platform === 'darwin')
        return psGroupRss(group.pgid);
    let total = 0;
    let found = false;
    for (const pid of group.pids) {
        const m = /^VmRSS:\s+(\d+) kB$/m.exec(readProc(pid, 'status') ?? '');
        if (m) {
            total += Number(m[1]) * 1024;
            found = true;
        }
    }
    return found ? total : null;
}
/** CPU seconds (user + system) the processes of the group have used so far; null off Linux. */
function groupCpuSec(group) {
    let ticks = 0;
    let found = false;
    for (const pid of group.pids) {
        const fields = statFields(pid);
        if (!fields)
            continue;
        // utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (USER_HZ, 100 on Linux).
        ticks += Number(fields[11]) + Number(fields[12]);
        found = true;
    }
    return found ? ticks / CLOCK_TICKS_PER_SEC : null;
}
const CLOCK_TICKS_PER_SEC = 100;
/** /proc/PID/stat from field 3 (state) on; null once the process has ended. */
function statFields(pid) {
    const stat = readProc(pid, 'stat');
    // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
    return stat === null ? null : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
function readProc(pid, file) {
    try {
        return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    }
    catch {
        return null; // ended between the listing and the read
    }
}
async function psGroupRss(pgid) {
    try {
        const { stdout } = await execFileAsync('ps', ['-o', 'rss=', '-g', String(pgid)]);
        const kib = stdout
            .split('\n')
            .map((l) => Number(l.trim()))
            .filter((n) => Number.isFinite(n) && n > 0);
        return kib.length ? kib.reduce((a, b) => a + b, 0) * 1024 : null;
    }
    catch {
        return null;
    }
}

// How often to sample: every sample forces the service to collect its whole heap, and on a
// large heap that costs real CPU. `interval: auto` spaces the samples so that their forced
// GCs stay within `sampling-budget` (a share of one core), never closer than a second; when
// that leaves a look fewer than the 8 samples a trend needs, the looks move later by the
// same factor (not with a load-command, which runs for the time it was told: the interval
// then stays at duration / 8, over the budget, and the report says so). Pure: the sampler
// measures, this decides.
/** Auto intervals are whole tenths of a second, so that the report reads plainly. */
const STEP_MS = 100;
/** The interval at which samples of this cost take exactly the budget; null without a cost. */
const intervalForBudgetMs = (costPerSampleSec, budgetCores) => costPerSampleSec === null ? null : (1000 * costPerSampleSec) / budgetCores;
/** The interval to sample at, and what set it. */
function chooseInterval(req) {
    const budgetIntervalMs = intervalForBudgetMs(req.costPerSampleSec, req.budgetCores);
    if (req.fixedMs !== null)
        return { intervalMs: req.fixedMs, reason: 'fixed', budgetIntervalMs, lookTimesFactor: 1 };
    const wanted = Math.ceil((budgetIntervalMs ?? 0) / STEP_MS) * STEP_MS;
    if (wanted <= AUTO_INTERVAL_FLOOR_MS)
        return { intervalMs: AUTO_INTERVAL_FLOOR_MS, reason: 'floor', budgetIntervalMs, lookTimesFactor: 1 };
    // A load that ends on its own clock: the looks keep their times, the budget gives way.
    if (wanted > req.maxMs && !req.looksMayMove)
        return {
            intervalMs: Math.max(AUTO_INTERVAL_FLOOR_MS, Math.floor(req.maxMs / STEP_MS) * STEP_MS),
            reason: 'load-command',
            budgetIntervalMs,
            lookTimesFactor: 1
        };
    // A trend needs its samples, the service its CPU: the gate takes longer instead.
    return {
        intervalMs: wanted,
        reason: 'budget',
        budgetIntervalMs,
        lookTimesFactor: Math.max(1, wanted / req.maxMs)
    };
}
/**
 * What the run's sampling cost, for the report: the mean cost of a sample's forced GCs over
 * every sample read (a CPU-time reading ticks in 10 ms steps, so the mean, not the median),
 * and the share of one core that is at the interval sampled.
 */
function samplingInterval(pick, budgetCores, costsSec, costMeasure) {
    const gcCostPerSampleSec = costsSec.length ? costsSec.reduce((a, b) => a + b, 0) / costsSec.length : null;
    const costCores = gcCostPerSampleSec === null ? null : (1000 * gcCostPerSampleSec) / pick.intervalMs;
    return {
        intervalMs: pick.intervalMs,
        mode: pick.reason === 'fixed' ? 'fixed' : 'auto',
        reason: pick.reason,
        lookTimesFactor: pick.lookTimesFactor,
        gcCostPerSampleSec,
        costMeasure: gcCostPerSampleSec === null ? 'none' : costMeasure,
        budgetCores,
        costCores,
        budgetIntervalMs: intervalForBudgetMs(gcCostPerSampleSec, budgetCores),
        // A hair over is rounding, not a breach.
        overBudget: costCores !== null && costCores > budgetCores * 1.05
    };
}

// Samples the running service at an interval until the gate has its answer: the exact
// post-GC live heap and the goroutine count (reading.ts), the heap and goroutine profiles
// where attribution needs them (saved raw, decoded once, reduced to summaries), and the
// RSS of its process group. With `interval: auto` the first sample's forced GCs are timed
// and the interval is chosen from their cost (sampling-budget.ts).
/**
 * Samples until a look says stop, or the last look. Raw heap and goroutine profiles are
 * taken only where attribution reads them: the first sample, each look and so the last.
 */
async function sample(req) {
    mkdirOutput(req.profilesDir);
    const client = new PprofClient(req.pprofUrl, 
    // A forced GC of a heap of several GiB takes seconds.
    req.intervalMs === null ? AUTO_TIMEOUT_MS : Math.max(5000, 2 * req.intervalMs), req.signal);
    const out = {
        samples: [],
        attempted: 0,
        heap: [],
        goroutines: [],
        notes: [],
        requests: null,
        goroutineText: null,
        goroutineLeaks: null
    };
    // Moved later once the interval is chosen, when the budget needs it.
    let looksMs = req.lookTimesSec.map((sec) => sec * 1000);
    const requestsAtStart = req.load.responses();
    const start = Date.now();
    const costs = { sec: [], allCpu: true };
    // Chosen once the first sample is read (or dropped): until then the floor, or the input.
    let pick = null;
    let intervalMs = req.intervalMs ?? AUTO_INTERVAL_FLOOR_MS;
    let late = 0;
    for (let i = 0, look = 0, dueMs = 0; look < looksMs.length; i++, dueMs += intervalMs) {
        const due = start + dueMs;
        await sleep(due - Date.now(), req.signal);
        if (req.signal?.aborted)
            throw new GateError('cancelled while sampling');
        await checkAlive(req);
        if (Date.now() - due > intervalMs)
            late++;
        const t = (Date.now() - start) / 1000;
        // The sample nearest each look time.
        const atLook = pick !== null && dueMs >= looksMs[look] - intervalMs / 2;
        out.attempted++;
        try {
            const s = await takeSample(client, req, i, t, i === 0 || atLook, out, costs);
            out.samples.push(s);
            if (!pick) {
                pick = pickInterval(req, s);
                looksMs = looksMs.map((ms) => ms * pick.lookTimesFactor);
            }
            intervalMs = pick.intervalMs;
            // Up to the last look; a look that has its answer stops sooner.
            const planned = i + 1 + Math.max(0, Math.round((looksMs[looksMs.length - 1] - dueMs) / intervalMs));
            const secondsLeft = Math.round(((planned - 1 - i) * intervalMs) / 1000);
            req.log(
            // What a terminal's one redrawn line must show comes first: which sample, how long yet.
            `  ${req.label} sample ${i + 1}/${planned} at ${t.toFixed(1)}s, ≤ ${secondsLeft}s left  heap ${formatBytes(s.liveHeapBytes).padStart(10)}  goroutines ${String(s.goroutines).padStart(6)}` +
                (s.rssBytes === null ? '' : `  rss ${formatBytes(s.rssBytes).padStart(10)}`) +
                (s.pauseMs ? `  paused ${s.pauseMs} ms` : ''), { kind: 'sample', label: req.label, sample: i + 1, samples: planned, secondsLeft });
        }
        catch (e) {
            await checkAlive(req);
            if (req.signal?.aborted)
                throw new GateError('cancelled while sampling');
            if (e instanceof OutputError)
                throw e; // the output folder's fault, not the endpoint's
            out.notes.push(`sample ${i + 1} at ${t.toFixed(1)}s dropped after a retry: ${e.message}`);
            req.log(`  sample ${i + 1} dropped: ${e.message}`);
        }
        // A dropped first sample measured nothing: the floor, or the input.
        pick ??= pickInterval(req, null);
        intervalMs = pick.intervalMs;
        if (!atLook)
            continue;
        const responses = req.load.responses();
        const requests = requestsAtStart === null || responses === null ? null : responses - requestsAtStart;
        const stop = req.atLook(out.samples, {
            index: look,
            count: looksMs.length,
            atSec: t,
            requests,
            heapProfiles: out.heap
        });
        look = stop ? looksMs.length : look + 1;
    }
    if (pick)
        out.interval = samplingInterval(pick, req.budgetCores, costs.sec, costs.allCpu ? 'cpu' : 'wall');
    if (late > 0)
        out.notes.push(`${late} samples were taken more than one interval late (the service or this machine was slow to answer); their times are the real ones`);
    if (out.samples.length > 0 && out.samples.every((s) => s.rssBytes === null))
        out.notes.push(`RSS is not read on ${process.platform}: only Linux (/proc) and macOS (ps) give it`);
    const requestsAtEnd = req.load.responses();
    out.requests = requestsAtStart === null || requestsAtEnd === null ? null : requestsAtEnd - requestsAtStart;
    if (!req.metrics)
        await readEndProfiles(client, req, out);
    return out;
}
const AUTO_TIMEOUT_MS = 30_000;
/** The interval, from the first sample's forced GCs (none: nothing forced, or it was dropped); logged once. */
function pickInterval(req, first) {
    const costMs = first?.gcCostMs;
    const pick = chooseInterval({
        fixedMs: req.intervalMs,
        costPerSampleSec: costMs === undefined ? null : costMs / 1000,
        budgetCores: req.budgetCores,
        maxMs: req.maxIntervalMs,
        looksMayMove: req.looksMayMove
    });
    if (req.intervalMs === null)
        req.log(`  ${req.label}: sampling every ${pick.intervalMs / 1000}s (${pick.reason})` +
            (costMs === undefined
                ? ''
                : `: the first sample's forced GCs took ${costMs} ms of the service, the budget allows ${Math.round(req.budgetCores * pick.intervalMs)} ms`) +
            (pick.lookTimesFactor > 1 ? `; the looks move ${pick.lookTimesFactor.toFixed(1)}× later` : ''));
    return pick;
}
async function takeSample(client, req, i, t, withProfiles, out, costs) {
    if (req.metrics)
        return metricsSample(req.metrics, req, t, out);
    let raw = null;
    const group = readGroup(req.service.pid);
    const reading = await takeReading({
        client,
        load: req.load,
        quiesce: req.quiesce,
        signal: req.signal,
        serviceCpuSec: () => groupCpuSec(group),
        ...(withProfiles
            ? {
                whilePaused: async () => {
                    // No gc=1: the profile is published at each GC, so it is already the one of the
                    // reading's last forced GC, and another would mark the whole heap once more.
                    raw = { heap: await client.get('heap'), goroutine: await client.get('goroutine') };
                }
            }
            : {})
    });
    const rssBytes = await groupRssBytes(group);
    if (raw)
        saveProfiles(req, i, t, raw, out);
    costs.sec.push(reading.gcCostMs / 1000);
    costs.allCpu &&= reading.gcCostMeasure === 'cpu';
    return {
        t,
        liveHeapBytes: reading.liveHeapBytes,
        liveHeapObjects: reading.liveHeapObjects,
        goroutines: reading.goroutines,
        rssBytes,
        reading: reading.method,
        ...(req.quiesce ? { pauseMs: reading.pauseMs } : {}),
        gcCostMs: Math.round(reading.gcCostMs)
    };
}
/** A reading of the service's Prometheus gauges: what the process reports, garbage included. */
async function metricsSample(client, req, t, out) {
    const m = await readMetrics(client);
    out.heapGauge ??= m.heapSource;
    return {
        t,
        liveHeapBytes: m.liveHeapBytes,
        liveHeapObjects: null,
        goroutines: m.goroutines,
        rssBytes: m.rssBytes ?? (await groupRssBytes(readGroup(req.service.pid))),
        reading: 'metrics'
    };
}
/** Saved raw for the artifact, decoded once, kept as summaries. */
function saveProfiles(req, i, t, raw, out) {
    const n = String(i).padStart(3, '0');
    const heapFile = `heap-${n}.pb.gz`;
    const goroutineFile = `goroutine-${n}.pb.gz`;
    writeOutput(join(req.profilesDir, heapFile), raw.heap);
    writeOutput(join(req.profilesDir, goroutineFile), raw.goroutine);
    const own = { modulePaths: req.modulePaths };
    out.heap.push({ t, summary: summarizeHeap(decodeProfile(raw.heap), own), file: heapFile });
    out.goroutines.push({
        t,
        summary: summarizeGoroutines(decodeProfile(raw.goroutine), own),
        file: goroutineFile
    });
}
async function readEndProfiles(client, req, out) {
    try {
        const text = await client.get('goroutine?debug=2');
        writeOutput(join(req.profilesDir, 'goroutine-debug2.txt'), text);
        out.goroutineText = parseGoroutineText(text.toString('utf8'), { modulePaths: req.modulePaths });
    }
    catch (e) {
        if (e instanceof OutputError)
            throw e;
        out.notes.push(`goroutine?debug=2 could not be read: ${e.message}`);
    }
    if (!req.readGoroutineLeaks)
        return;
    try {
        const raw = await client.get('goroutineleak');
        writeOutput(join(req.profilesDir, 'goroutineleak.pb.gz'), raw);
        out.goroutineLeaks = summarizeGoroutines(decodeProfile(raw), { modulePaths: req.modulePaths });
    }
    catch (e) {
        if (e instanceof OutputError)
            throw e;
        out.notes.push(`goroutineleak profile could not be read: ${e.message}`);
    }
}
async function checkAlive(req) {
    const failed = req.load.failure();
    if (failed)
        throw new GateError(failed, req.load.output());
    if (req.service.hasExited()) {
        const how = await req.service.exited;
        throw new GateError(`the service ${how} during the run`, req.service.output.text());
    }
}

// Whose pprof endpoint memgate measures. The net/http/pprof docs start the endpoint with
// `go func() { log.Println(http.ListenAndServe(addr, nil)) }()`: when the port is taken,
// the service logs one line and runs on, and whatever holds the port answers in its
// place. Measuring that other process would pass a leaking service, so the port must be
// free before the service starts, and the endpoint must then be the service's own.
/** Whether something accepts connections at the URL's host and port. */
function portAnswers(url, timeoutMs = 1000) {
    const { hostname, port, protocol } = new URL(url);
    return new Promise((resolve) => {
        const socket = connect({
            host: hostname.replace(/^\[|\]$/g, ''),
            port: Number(port) || (protocol === 'https:' ? 443 : 80)
        });
        const done = (answers) => {
            socket.destroy();
            resolve(answers);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
    });
}
/** Before the service starts: nothing may answer at pprof-url (or metrics-url) yet. */
async function assertPortFree(input, url) {
    if (await portAnswers(url))
        throw new GateError(`${input}: another process answers at ${redactUrl(url)} before the service is started; stop it, or give the service and ${input} a free port`);
}
/**
 * Once the endpoint answers: the command line it serves (/debug/pprof/cmdline, the
 * serving process's os.Args joined by NUL) must be that of a process memgate started:
 * the built binary, or with a start-command one of the processes it started. An endpoint
 * without the cmdline handler cannot be checked, and is trusted (the pre-start check stands).
 */
async function assertOwnEndpoint(pprofUrl, started, detail) {
    const argv = await servedArgv(pprofUrl);
    if (argv === null || isOwn(argv, started))
        return;
    // The other program's name, on one line: it is whatever that process says.
    const program = stripControl(argv[0].slice(0, 200)).replace(/\s+/g, ' ');
    throw new GateError(`pprof-url: another process answers at ${pprofUrl} (${program}), not the service memgate started; stop it, or give the service and pprof-url a free port`, detail);
}
function isOwn(argv, started) {
    if (!started.startCommand)
        return argv[0] === started.binaryPath;
    const own = started.pids().map(cmdlineOf);
    // Without /proc (macOS) the processes of a start-command cannot be read: nothing to compare.
    if (own.every((c) => c === null))
        return true;
    const served = argv.join('\0');
    return own.some((c) => c !== null && c.join('\0') === served);
}
const CMDLINE_MAX_BYTES = 64 * 1024;
async function servedArgv(pprofUrl) {
    try {
        const body = await new PprofClient(pprofUrl, 5000, undefined, CMDLINE_MAX_BYTES).get('cmdline');
        return body.length > 0 ? body.toString('utf8').split('\0') : null;
    }
    catch {
        return null;
    }
}
/** A process's argv from /proc (NUL-terminated there); null when it cannot be read. */
function cmdlineOf(pid) {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
    }
    catch {
        return null;
    }
}

async function startService(req) {
    await assertPortFree(req.ready.input, req.ready.url);
    const env = { ...process.env, ...req.env, MEMGATE_BINARY: req.binaryPath };
    const [cmd, args] = req.startCommand ? ['sh', ['-c', req.startCommand]] : [req.binaryPath, []];
    const lastWords = new LastWords();
    const output = new OutputTail(40, req.logPath, { redact: req.redact, onLine: lastWords.see });
    const child = spawnGroup(cmd, args, { cwd: req.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    output.attach(child.stdout);
    output.attach(child.stderr);
    let exitedFlag = false;
    const exited = new Promise((resolve) => {
        child.once('error', (e) => {
            exitedFlag = true;
            resolve(`could not be started: ${e.message}`);
        });
        exitOf(child).then(({ code, signal }) => {
            exitedFlag = true;
            const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            resolve(lastWords.fatal ? `${how} (${req.redact(lastWords.fatal.slice(0, 200))})` : how);
        }, () => { } // 'error', above
        );
    });
    const service = {
        pid: child.pid ?? -1,
        output: {
            text: () => lastWords.diedOfMemory()
                ? req.redact([
                    ...lastWords.outOfMemory,
                    `[memgate: the goroutine dump that followed is in ${req.logPath}]`
                ].join('\n'))
                : output.text()
        },
        exited,
        hasExited: () => exitedFlag,
        stop: async () => {
            await stopGroup(child);
            await Promise.race([exited, sleep(1000)]);
            output.close();
        }
    };
    try {
        await waitReady(req, service);
        const started = { ...req, pids: () => groupMembers(service.pid) };
        if (req.ready.input === 'pprof-url')
            await assertOwnEndpoint(req.ready.url, started, output.text());
    }
    catch (e) {
        await service.stop();
        throw e;
    }
    return service;
}
/** What net/http/pprof's index page says, in every Go release since 1.11. */
const PPROF_INDEX = /Types of profiles available/;
async function waitReady(req, service) {
    const { input, url } = req.ready;
    const target = input === 'pprof-url' ? `${url}/` : url;
    const shown = redactUrl(target);
    const deadline = Date.now() + req.readyTimeoutMs;
    let lastError = 'no answer';
    while (Date.now() < deadline) {
        if (req.signal?.aborted)
            throw new GateError('cancelled while waiting for the service');
        if (service.hasExited()) {
            const how = await service.exited;
            throw new GateError(`the service ${how} before ${shown} answered`, service.output.text());
        }
        let page = null;
        try {
            const res = await fetch(target, { signal: AbortSignal.timeout(2000) });
            const text = await res.text();
            if (res.ok)
                page = text;
            else
                lastError = `HTTP ${res.status}`;
        }
        catch (e) {
            lastError = e.message;
        }
        if (page !== null && (input === 'metrics-url' || PPROF_INDEX.test(page)))
            return;
        // A service that answers every path (a catch-all handler) answers here too, but without the profiles.
        if (page !== null)
            throw new GateError(`pprof-url: ${shown} answers, but not with the net/http/pprof index; check that the service imports net/http/pprof and serves it at pprof-url`, service.output.text());
        await sleep(100, req.signal);
    }
    const serve = input === 'pprof-url'
        ? 'the service imports net/http/pprof and listens there'
        : "the service serves client_golang's promhttp handler there";
    throw new GateError(`${input}: ${shown} did not answer within ready-timeout (${lastError}); check that ${serve}, or raise ready-timeout`, service.output.text());
}
/**
 * What a Go program says as it dies: the runtime's `fatal error: …` or a `panic: …`, the
 * line its crash is known by, kept however much follows. Out of memory, the runtime then
 * dumps every goroutine, dozens of frames that tell nothing more than its two lines.
 */
class LastWords {
    fatal = null;
    /** "runtime: out of memory: cannot allocate …" and "fatal error: out of memory". */
    outOfMemory = [];
    diedOfMemory() {
        return this.fatal !== null && this.fatal.includes('out of memory');
    }
    see = (line) => {
        if (this.fatal === null && /^(?:fatal error|panic): /.test(line))
            this.fatal = line;
        if (this.outOfMemory.length < 2 && /^(?:runtime|fatal error): .*out of memory/.test(line))
            this.outOfMemory.push(line);
    };
}

// Which endpoint a run reads: pprof, which forces a GC and names the leaking line, or a
// service's Prometheus /metrics, for services that do not serve pprof.
/** What must answer before the service is measured: metrics-url when it may be the source. */
function readyEndpoint(config) {
    return config.metricsUrl && config.source !== 'pprof'
        ? { input: 'metrics-url', url: config.metricsUrl }
        : { input: 'pprof-url', url: config.pprofUrl };
}
/**
 * pprof whenever it answers with a Go heap profile (not merely HTTP 200: many services
 * answer every path), else the metrics; `source` can force either.
 */
async function chooseSource(config, pprofTakenBefore, signal) {
    let pprofAnswers = config.source === 'pprof';
    // What answered at pprof-url before the service started is another process's.
    if (config.source === 'auto' && config.metricsUrl && !pprofTakenBefore) {
        try {
            const heap = await new PprofClient(config.pprofUrl, 2000, signal).get('heap?debug=1');
            parseMemStats(heap.toString('utf8'));
            pprofAnswers = true;
        }
        catch {
            pprofAnswers = false;
        }
    }
    if (pickSource(config.source, pprofAnswers, config.metricsUrl) === 'pprof' || !config.metricsUrl)
        return { kind: 'pprof' };
    return {
        kind: 'metrics',
        client: new MetricsClient(config.metricsUrl, Math.max(5000, 2 * (config.intervalMs ?? longestIntervalMs(config))), signal)
    };
}
/**
 * With both endpoints, pprof is the source and /metrics only a check that both belong to one
 * process: the goroutine counts, read back to back, must agree within a few requests in
 * flight. A note when they do not, or when /metrics cannot be read; nothing otherwise.
 */
async function crossCheckMetrics(config, signal) {
    if (!config.metricsUrl)
        return [];
    try {
        const pprof = new PprofClient(config.pprofUrl, 5000, signal);
        const fromPprof = parseGoroutineTotal((await pprof.get('goroutine?debug=1')).toString('utf8'));
        const fromMetrics = (await readMetrics(new MetricsClient(config.metricsUrl, 5000, signal))).goroutines;
        if (Math.abs(fromPprof - fromMetrics) <= Math.max(10, 0.25 * fromPprof))
            return [];
        return [
            `metrics-url reports ${fromMetrics} goroutines where pprof-url reports ${fromPprof}: do both belong to the service that was measured?`
        ];
    }
    catch (e) {
        return [`metrics-url could not be read for a cross-check: ${e.message.split('\n')[0]}`];
    }
}

// One measured run of one side: build, start, load and sample, stop. Nothing is
// left running whatever happens: every exit path goes through the finally blocks.
async function measure(config, side, options) {
    const module = await inspectModule(side.moduleDir, side.repoRoot);
    const leakProfile = config.goroutineLeakProfile === 'on' ||
        (config.goroutineLeakProfile === 'auto' && supportsGoroutineLeakProfile(module.goVersion));
    if (config.goroutineLeakProfile === 'on' && !supportsGoroutineLeakProfile(module.goVersion))
        throw new GateError(`goroutine-leak-profile: "on" needs Go 1.26 or later, the toolchain is ${module.goVersion}; use auto or off`);
    // Outside the output folder: the artifact carries profiles and logs, not binaries.
    const binDir = mkdtempSync(join(tmpdir(), 'memgate-bin-'));
    try {
        return await measureBuilt(config, side, options, module, join(binDir, 'service'), leakProfile);
    }
    finally {
        rmSync(binDir, { recursive: true, force: true });
    }
}
async function measureBuilt(config, side, options, module, binaryPath, leakProfile) {
    const { log, signal, outDir, label } = options;
    log(`${label}: building ${config.buildCommand ?? `go build ${config.package}`} (${module.goVersion})`);
    await buildService({
        redact: options.redact,
        moduleDir: side.moduleDir,
        package: config.package,
        buildCommand: config.buildCommand,
        binaryPath,
        goroutineLeakProfile: leakProfile,
        signal
    });
    const env = { ...config.env };
    if (config.memprofilerate !== null)
        env.GODEBUG = [env.GODEBUG, `memprofilerate=${config.memprofilerate}`].filter(Boolean).join(',');
    const ready = readyEndpoint(config);
    const pprofTakenBefore = ready.input === 'metrics-url' && (await portAnswers(config.pprofUrl));
    log(`${label}: starting the service, waiting for ${redactUrl(ready.url)}`);
    const service = await startService({
        redact: options.redact,
        binaryPath,
        startCommand: config.startCommand,
        cwd: side.moduleDir,
        env,
        ready,
        readyTimeoutMs: config.readyTimeoutMs,
        logPath: join(outDir, 'logs', `${label}-service.log`),
        signal
    });
    log(`${label}: service ready (pid ${service.pid}, process group ${service.pid})`);
    const notes = [];
    const source = await chooseSource(config, pprofTakenBefore, signal);
    if (source.kind === 'metrics')
        log(`${label}: no pprof at ${redactUrl(config.pprofUrl)}: reading ${redactUrl(source.client.url)}`);
    try {
        const load = startLoad({
            redact: options.redact,
            loadCommand: config.loadCommand,
            targetUrl: config.targetUrl,
            ratePerSec: config.ratePerSec,
            connections: config.connections,
            durationSec: (config.warmupMs + config.maxDurationMs) / 1000 + 10,
            cwd: side.moduleDir,
            logPath: join(outDir, 'logs', `${label}-load.log`)
        });
        let loadStats = null;
        try {
            log(`${label}: load ${config.loadCommand ? `"${config.loadCommand}"` : `${config.ratePerSec} req/s on ${config.connections} connections to ${config.targetUrl}`}; warm-up ${config.warmupMs / 1000}s`, { kind: 'group-start', label });
            const profilesDir = join(outDir, 'profiles', label);
            let sampling = null;
            try {
                await warmUp(config.warmupMs, { service, load, label, log, signal });
                log(`${label}: sampling ${config.intervalMs === null ? `at an interval chosen from the first sample's cost (sampling-budget ${100 * config.samplingBudgetCores}% of one core)` : `every ${config.intervalMs / 1000}s`}, looking at the growth every ${config.durationMs / 1000}s up to ${config.maxDurationMs / 1000}s`);
                sampling = await sample({
                    pprofUrl: config.pprofUrl,
                    intervalMs: config.intervalMs,
                    budgetCores: config.samplingBudgetCores,
                    maxIntervalMs: longestIntervalMs(config),
                    looksMayMove: config.loadCommand === null,
                    lookTimesSec: options.lookTimesSec,
                    atLook: options.atLook,
                    // Without a forced GC there is nothing to read quiesced: metrics count garbage too.
                    quiesce: config.quiesce && source.kind === 'pprof',
                    metrics: source.kind === 'metrics' ? source.client : null,
                    profilesDir,
                    service,
                    load,
                    readGoroutineLeaks: leakProfile,
                    modulePaths: module.modules.map((m) => m.path),
                    label,
                    log,
                    signal
                });
            }
            finally {
                const done = sampling ? `${sampling.samples.length} samples read` : 'stopped';
                log(`${label}: ${done}`, { kind: 'group-end', label });
            }
            if (source.kind === 'pprof')
                notes.push(...(await crossCheckMetrics(config, signal)));
            const early = load.exitedEarly();
            loadStats = await load.stop();
            if (early === 0)
                notes.push('the load-command ended before sampling did: growth after it ended was measured without load');
            checkLoad(loadStats, config.targetUrl);
            checkSamples(sampling, config);
            return { side, module, sampling, load: loadStats, notes, profilesDir: relative(outDir, profilesDir) };
        }
        finally {
            if (!loadStats)
                await load.stop();
        }
    }
    finally {
        await service.stop();
    }
}
/** A service measured without load is no measurement: most requests must succeed. */
function checkLoad(load, targetUrl) {
    if (load.kind !== 'built-in' || load.requests === null)
        return;
    const failed = load.errors ?? 0;
    if (load.requests === 0 || failed > load.requests / 2)
        throw new GateError(`target-url: ${failed} of ${load.requests} requests to ${targetUrl} failed (HTTP 4xx/5xx or no connection); point target-url at an endpoint of the service`);
}
/** A trend needs samples: when most could not be read, say so instead of judging on a few. */
function checkSamples(sampling, config) {
    const tried = sampling.attempted;
    if (sampling.samples.length < Math.max(3, Math.ceil(tried / 2)))
        throw new GateError(`only ${sampling.samples.length} of ${tried} samples could be read from ${config.pprofUrl}`, sampling.notes.join('\n'));
}
/** Waits out the warm-up, saying each second how far it is, and stops at once when the load or the service fails. */
async function warmUp(ms, { service, load, label, log, signal }) {
    const start = Date.now();
    const end = start + ms;
    const totalSec = Math.round(ms / 1000);
    let shownSec = 0;
    while (Date.now() < end) {
        if (signal?.aborted)
            throw new GateError('cancelled during warm-up');
        const failed = load.failure();
        if (failed)
            throw new GateError(failed, load.output());
        if (service.hasExited())
            throw new GateError(`the service ${await service.exited} during warm-up`, service.output.text());
        const elapsedSec = Math.floor((Date.now() - start) / 1000);
        if (elapsedSec > shownSec && elapsedSec < totalSec) {
            shownSec = elapsedSec;
            log(`${label}: warm-up ${elapsedSec}s of ${totalSec}s`, {
                kind: 'warm-up',
                label,
                elapsedSec,
                totalSec
            });
        }
        await sleep(Math.min(250, end - Date.now()), signal);
    }
}

const widthPx = 1200;
const rowPx = 18;
const headerPx = 36;
const charPx = 6.6; // of 11px monospace
const minBoxPx = 0.5;
/**
 * A flame graph shows functions, not lines: stacks that differ only in lines end at one
 * node, where their growth nets out. A node that shrank counts as zero, so widths add up.
 */
function growthTree(diff) {
    const root = newNode('all');
    for (const s of diff.stacks) {
        let node = root;
        // Root first: the profile lists frames innermost first.
        for (const { function: name } of [...s.frames].reverse()) {
            let child = node.children.get(name);
            if (!child) {
                child = newNode(name);
                node.children.set(name, child);
            }
            node = child;
        }
        node.selfBytes += s.bytes;
    }
    keepGrowth(root);
    return root;
}
function newNode(name) {
    return { name, selfBytes: 0, bytes: 0, children: new Map() };
}
function keepGrowth(node) {
    node.bytes = Math.max(0, node.selfBytes);
    for (const [name, child] of node.children) {
        keepGrowth(child);
        if (child.bytes > 0)
            node.bytes += child.bytes;
        else
            node.children.delete(name);
    }
}
// Stable colours: the service's own code warm, the standard library and runtime cool.
function color(name) {
    let h = 0;
    for (const c of name)
        h = (h * 31 + c.charCodeAt(0)) >>> 0;
    const shade = 55 + (h % 20);
    return isStdlib(name) ? `hsl(210, 30%, ${shade + 10}%)` : `hsl(${20 + (h % 25)}, 85%, ${shade}%)`;
}
function depthOf(node) {
    let d = 0;
    for (const c of node.children.values())
        d = Math.max(d, depthOf(c));
    return d + 1;
}
function heapGrowthFlameGraph(diff, title = 'Live heap growth') {
    const root = growthTree(diff);
    const depth = depthOf(root);
    const heightPx = headerPx + depth * rowPx + 4;
    const boxes = [];
    const scale = root.bytes > 0 ? widthPx / root.bytes : 0;
    // Root on top, callees below, as in pprof's flame graph view.
    const draw = (node, x, level) => {
        const w = node.bytes * scale;
        if (w < minBoxPx)
            return;
        const y = headerPx + level * rowPx;
        const share = ((100 * node.bytes) / root.bytes).toFixed(1);
        const chars = Math.floor((w - 6) / charPx);
        const label = chars >= 3 ? (node.name.length > chars ? `${node.name.slice(0, chars - 2)}..` : node.name) : '';
        boxes.push(`<g><title>${escapeXml(`${node.name}: +${formatBytes(node.bytes)} (${share}%)`)}</title>` +
            `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${rowPx - 1}" rx="2" fill="${color(node.name)}"/>` +
            (label ? `<text x="${(x + 3).toFixed(2)}" y="${y + 13}">${escapeXml(label)}</text>` : '') +
            '</g>');
        let cx = x;
        for (const child of [...node.children.values()].sort((a, b) => b.bytes - a.bytes)) {
            draw(child, cx, level + 1);
            cx += child.bytes * scale;
        }
    };
    if (root.bytes > 0)
        draw(root, 0, 0);
    const heading = root.bytes > 0 ? `${title}: +${formatBytes(root.bytes)}` : `${title}: no stack grew`;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="monospace" font-size="11">`,
        `<rect width="100%" height="100%" fill="#fff"/>`,
        `<text x="4" y="22" font-size="15">${escapeXml(heading)}</text>`,
        ...boxes,
        '</svg>',
        ''
    ].join('\n');
}

// Measures the head, and the merge-base beside it when asked, in pairs: base, head, then
// head, base (ABBA), so that drift of the machine (a noisy neighbour, a thermal throttle)
// falls on both sides alike instead of on whichever side ran second. While head − base
// straddles the allowance, one more pair, up to max-repeats.
const FLAMEGRAPH_FILE = 'heap-growth-flamegraph.svg';
/** What the report says first when the baseline was asked for but could not be had. */
const noBaseline = (why) => `No baseline: ${why}. The verdict rests on the absolute limits alone.`;
async function measureSides(config, moduleDir, options) {
    const headOnly = (side, notices) => measureRepeats(config, side, null, options).then((s) => ({ ...s, notices }));
    const head = { side: 'head', moduleDir, repoRoot: await repoRootOf(moduleDir) };
    if (config.baseline.kind !== 'merge-base')
        return headOnly(head, []);
    const mb = await findMergeBase(moduleDir, config.baseRef);
    const headSide = { ...head, commit: mb.headCommit };
    if (!mb.commit)
        return headOnly(headSide, [
            noBaseline(`HEAD and ${mb.baseRef} share no history (a first commit or unrelated branches)`)
        ]);
    // The same working-directory relative to the repository root, in the merge-base's tree.
    const inRepo = relative(realpathSync(mb.root), realpathSync(moduleDir));
    if (inRepo.startsWith('..'))
        throw new ConfigError(`working-directory: ${config.workingDirectory} lies outside the git repository ${mb.root}; baseline: merge-base can only measure folders of the repository`);
    const commit = mb.commit;
    return withWorktree(mb.root, commit, options.log, async (tree) => {
        const baseDir = join(tree, inRepo);
        const repoRoot = await repoRootOf(baseDir);
        const base = { side: 'base', moduleDir: baseDir, repoRoot, ref: mb.baseRef, commit };
        if (existsSync(baseDir))
            return measureRepeats(config, headSide, base, options);
        const why = `the merge-base ${commit.slice(0, 12)} of HEAD and ${mb.baseRef} has no ${inRepo || '.'} folder`;
        return headOnly(headSide, [noBaseline(why)]);
    });
}
/** Where profile paths are made relative to: the side's git checkout, else its module folder. */
async function repoRootOf(moduleDir) {
    return (await createGit(moduleDir).showToplevel()) ?? moduleDir;
}
/**
 * Pairs in ABBA order: base, head, head, base, … A base that does not build or does not
 * run is no baseline (said plainly, then judged on the absolute limits); a head that fails
 * is the user's error and ends the gate.
 */
async function measureRepeats(config, head, base, options) {
    const heads = [];
    const bases = [];
    const notices = [];
    let baseSide = base;
    const measureBase = async (pair) => {
        if (!baseSide)
            return;
        try {
            bases.push(await measureRun(config, baseSide, pairLabel(baseSide, pair), options));
        }
        catch (e) {
            // A folder that cannot be written fails the head as well: it is no reason to drop the base.
            if (!(e instanceof GateError) || e instanceof OutputError || options.signal?.aborted)
                throw e;
            if (e.detail)
                options.log(e.detail);
            notices.push(noBaseline(`the merge-base ${baseSide.commit?.slice(0, 12)} could not be measured: ${e.message}`));
            baseSide = null;
        }
    };
    for (let pair = 1;; pair++) {
        if (pair % 2 === 1)
            await measureBase(pair);
        heads.push(await measureRun(config, head, pairLabel(head, pair), options));
        if (pair % 2 === 0)
            await measureBase(pair);
        if (pair < config.repeats)
            continue;
        if (!baseSide || pair >= config.maxRepeats)
            break;
        if (!options.needsAnotherPair(combineRepeats(heads), combineRepeats(bases)))
            break;
        options.log(`head − base is still unclear after ${pair} pair${pair > 1 ? 's' : ''}: one more (at most ${config.maxRepeats})`);
    }
    return { head: combineRepeats(heads), base: baseSide ? combineRepeats(bases) : null, notices };
}
/** Whether the first heap profile and this look's name a growing line; undefined without two. */
function heapLineNamed(profiles) {
    const [first, last] = [profiles[0], profiles.at(-1)];
    return first && last && first !== last ? namesHeapGrowth(first.summary, last.summary) : undefined;
}
/** Where a run's profiles and logs go: head, base, then head-2, base-2, … */
const pairLabel = (side, pair) => (pair > 1 ? `${side.side}-${pair}` : side.side);
/** One run of one side, judged at its looks against the absolute limits; `label` names its outputs. */
async function measureRun(config, side, label, options) {
    const looks = [];
    const m = await measure(config, side, {
        outDir: options.outDir,
        label,
        redact: options.redact,
        lookTimesSec: lookTimesSec(config.durationMs / 1000, config.maxDurationMs / 1000),
        atLook: (samples, look) => {
            const { record, stop } = judgeLook({
                samples,
                ...look,
                limits: { heap: config.maxHeapGrowth, goroutines: config.maxGoroutineGrowth },
                requestsPerSec: look.requests === null || look.atSec <= 0 ? null : look.requests / look.atSec,
                heapLineNamed: heapLineNamed(look.heapProfiles),
                heapFailed: heapFailedAt(looks)?.decisions.heap
            });
            looks.push(record);
            options.log(`${label}: ${describeLook(record, stop)}`);
            return stop;
        },
        log: options.log,
        signal: options.signal
    });
    const heapDiff = heapGrowth(m);
    // The flame graph of what the heap kept between the first and the last sample.
    if (heapDiff)
        writeOutput(join(options.outDir, m.profilesDir, FLAMEGRAPH_FILE), heapGrowthFlameGraph(heapDiff));
    return toRun(m, {
        warmupSec: config.warmupMs / 1000,
        looks,
        quiesce: config.quiesce,
        flamegraphFile: heapDiff ? FLAMEGRAPH_FILE : null,
        heapDiff
    });
}

// Where the head's code can be read on the web, so that the report links a leaking line to
// its blob: the action knows its repository; the CLI reads the origin remote, if any.
/**
 * The repository's web address and the head commit; null when either is unknown.
 * `repositoryUrl`: as the runner gives it; when absent, the origin remote's, on github.com.
 */
async function readSource(dir, known) {
    const git = createGit(dir);
    const repositoryUrl = known.repositoryUrl ?? githubWebUrl(await git.remoteUrl('origin'));
    if (!repositoryUrl)
        return null;
    const commit = known.headCommit ?? (await git.revParseCommit('HEAD'));
    return commit ? { repositoryUrl, commit } : null;
}
/**
 * "git@github.com:acme/shop.git", "https://token@github.com/acme/shop" ->
 * "https://github.com/acme/shop". Other hosts lay out their blobs otherwise: null.
 */
function githubWebUrl(remote) {
    const m = /^(?:https:\/\/(?:[^@/]+@)?|ssh:\/\/git@|git@)github\.com[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(remote ?? '');
    return m ? `https://github.com/${m[1]}/${m[2]}` : null;
}

// The one orchestrator behind the CLI and the action, in the manner of pprof's
// driver.PProf: config -> sides (measure) -> analyse -> judge -> report.
function runGate(config, options) {
    return withRedactor(config, (redactor) => gate(config, options, redactor));
}
/** Runs `work` with the config's secrets to hide, and hides them in the error it may throw. */
async function withRedactor(config, work) {
    const redactor = new Redactor(secretValues(config));
    try {
        return await work(redactor);
    }
    catch (e) {
        throw redactError(e, redactor.redact);
    }
}
/** An error for the user without the secrets that its message or detail may quote. */
function redactError(e, redact) {
    if (e instanceof OutputError)
        return new OutputError(redact(e.path), redact(e.problem));
    if (e instanceof GateError)
        return new GateError(redact(e.message), e.detail && redact(e.detail));
    if (e instanceof ConfigError)
        return new ConfigError(redact(e.message));
    return e;
}
async function gate(config, options, redactor) {
    assertSupportedPlatform();
    // An earlier report must not stand beside the partial profiles of a run that is cancelled.
    prepareOutDir(options.outDir);
    const moduleDir = resolveModuleDir(options.repoRoot, config.workingDirectory);
    if (!existsSync(moduleDir))
        throw new ConfigError(`working-directory: ${moduleDir} does not exist; give the folder of the Go module`);
    // A stored baseline is read before anything is built: a wrong path fails in a second.
    const stored = config.baseline.kind === 'report' ? readStoredBaseline(config.baseline.path, options.configRecord) : null;
    const absolute = { heap: config.maxHeapGrowth, goroutines: config.maxGoroutineGrowth };
    const increase = {
        heap: config.maxIncreaseOverBaseline.heapBytesPerSec,
        goroutines: config.maxIncreaseOverBaseline.goroutinesPerSec
    };
    const spread = {
        floorPerSec: {
            heap: config.baselineNoiseFloor.heapBytesPerSec,
            goroutines: config.baselineNoiseFloor.goroutinesPerSec
        },
        storedBase: stored !== null,
        z: comparisonZ(config.repeats, stored ? config.repeats : config.maxRepeats)
    };
    const judge = (head, base) => {
        const vsBase = base ? compareRuns(head, base, increase, spread) : null;
        const judgements = [
            judgeGrowth('heap', head, absolute.heap),
            judgeGrowth('goroutines', head, absolute.goroutines),
            ...(vsBase?.judgements ?? [])
        ].filter((j) => j !== null);
        return { vsBase, judgements };
    };
    const sides = await measureSides(config, moduleDir, {
        ...options,
        redact: redactor.redact,
        needsAnotherPair: (head, base) => needsAnotherPair(judge(head, base).judgements)
    });
    const head = sides.head;
    const base = stored?.run ?? sides.base;
    const { vsBase, judgements } = judge(head, base);
    if (judgements.length === 0)
        judgements.push(nothingJudged(config.baseline.kind !== 'none' && !base));
    const { verdict, judgements: ordered } = combine(judgements);
    const source = await readSource(moduleDir, {
        repositoryUrl: options.repositoryUrl,
        headCommit: head.commit
    });
    const report = buildReport({
        name: config.name,
        verdict,
        judgements: ordered,
        notices: [
            ...sides.notices,
            ...(stored?.notices ?? []),
            ...(base ? baseGrowth(base, absolute, increase).map(describeBaseGrowth) : []),
            ...(vsBase?.comparison.perRequest ? [describePerRequest(vsBase.comparison.perRequest)] : [])
        ],
        config: options.configRecord,
        head,
        ...(base ? { base, comparison: vsBase?.comparison } : {}),
        createdAt: new Date(),
        source
    });
    // report.json goes into the artifact and the comment, which GitHub does not mask.
    const result = writeReport(redactor.redactJson(report), options.outDir);
    await exportRun(result.report, config, options);
    return result;
}
/**
 * The run as OpenMetrics text in the artifact, and pushed to a Pushgateway when asked: teams
 * plot growth across commits. A push that fails is a warning; the verdict stands.
 */
async function exportRun(report, config, options) {
    const run = {
        labels: runLabels(report, options.env ?? {}),
        detectableGrowthPerSec: Object.fromEntries(Object.entries(report.runs.head.detectable).map(([series, d]) => [series, d.perSec]))
    };
    writeOutput(join(options.outDir, 'metrics.txt'), await renderOpenMetrics(report, run));
    if (!config.pushgatewayUrl)
        return;
    const pushed = await pushRun(runRegistry(report, run), config.pushgatewayUrl, {
        name: report.name,
        ...run.labels
    });
    if (!pushed.warning)
        options.log(`pushed to the Pushgateway in ${pushed.roundTripMs.toFixed(0)} ms`);
    if (pushed.warning)
        (options.warn ?? options.log)(pushed.warning);
}
function writeReport(report, outDir) {
    const reportJsonPath = join(outDir, 'report.json');
    const reportMarkdownPath = join(outDir, 'report.md');
    writeOutput(reportJsonPath, JSON.stringify(report, null, 2) + '\n');
    writeOutput(reportMarkdownPath, renderMarkdown(report));
    return { report, reportJsonPath, reportMarkdownPath };
}

// `memgate demo`: the clean fixture and its leaking twin, measured as a PR would be,
// and the report that PR would get.
/** The fixture services ship beside dist/ and src/ alike. */
const FIXTURES = fileURLToPath(new URL('../test/fixtures/services/', import.meta.url));
async function demoInputs(extraEnv, baseline) {
    const port = await freePort();
    return {
        baseline,
        // Each twin is built from its own folder as the root: to the gate they are one
        // service at two commits, so the clean one's report can be the leaking one's baseline.
        'working-directory': '.',
        env: `ADDR=127.0.0.1:${port}\n${extraEnv}`,
        'pprof-url': `http://127.0.0.1:${port}/debug/pprof`,
        // The clean twin's cache fills in its first 10 s at 200 requests/s.
        warmup: '12s',
        duration: '20s'
    };
}
async function runDemo(options) {
    const gate = async (fixture, extraEnv, baseline = 'none') => {
        options.log(`\n== ${fixture} ==`);
        const raw = await demoInputs(extraEnv, baseline);
        return runGate(parseConfig(raw), {
            outDir: join(options.outDir, fixture),
            repoRoot: join(FIXTURES, fixture),
            configRecord: describeConfig(raw),
            log: options.log,
            signal: options.signal
        });
    };
    const clean = await gate('clean', '');
    const leak = await gate('heap-leak', 'LEAK_BYTES=256', clean.reportJsonPath);
    const out = options.stdout;
    out.write(`\nThe clean service: ${clean.report.verdict}. Its leaking twin keeps 256 bytes a request.\n`);
    out.write('This is the comment a PR that adds the leak would get:\n\n');
    out.write(renderMarkdown(leak.report));
    const fails = failsGate(leak.report.verdict, 'fail');
    out.write(`\n${fails ? 'The gate would FAIL this PR' : `The gate would NOT fail this PR (verdict ${leak.report.verdict})`}: ${leak.report.reasons[0] ?? ''}\n`);
    out.write(`Reports: ${leak.reportJsonPath}, ${clean.reportJsonPath}\n`);
    return 0;
}

// `memgate calibrate`: the user's service against itself, pair after pair, to measure how
// much two runs of the same code differ in slope: the floor baseline-noise-floor takes.
function calibrate(config, options) {
    return withRedactor(config, (redactor) => measurePairs(config, options, redactor));
}
async function measurePairs(config, options, redactor) {
    assertSupportedPlatform();
    prepareOutDir(options.outDir);
    const moduleDir = resolveModuleDir(options.repoRoot, config.workingDirectory);
    if (!existsSync(moduleDir))
        throw new ConfigError(`working-directory: ${moduleDir} does not exist; give the folder of the Go module`);
    const side = { side: 'head', moduleDir, repoRoot: await repoRootOf(moduleDir) };
    const runOptions = {
        outDir: options.outDir,
        redact: redactor.redact,
        log: options.log,
        signal: options.signal
    };
    const runs = [];
    const started = Date.now();
    for (let pair = 1; pair <= options.pairs; pair++) {
        options.log(`pair ${pair} of ${options.pairs}`);
        const a = await measureRun(config, side, `a-${pair}`, runOptions);
        const b = await measureRun(config, side, `b-${pair}`, runOptions);
        runs.push([a, b]);
    }
    const calibration = summarize(runs, config, (Date.now() - started) / 1000 / (2 * options.pairs));
    const calibrationJsonPath = join(options.outDir, 'calibration.json');
    writeOutput(calibrationJsonPath, JSON.stringify(calibration, null, 2) + '\n');
    return { calibration, runs, calibrationJsonPath };
}
/** The pairs' spread per series, read at the z the gate's comparison uses with these inputs. */
function summarize(runs, config, secondsPerRun) {
    const z = comparisonZ(config.repeats, config.maxRepeats);
    const floor = {
        heap: config.baselineNoiseFloor.heapBytesPerSec,
        goroutines: config.baselineNoiseFloor.goroutinesPerSec
    };
    const series = {};
    const floorPerSec = { ...floor };
    for (const s of JUDGED_SERIES) {
        const estimate = (r) => {
            const t = r.trends[s];
            return t ? { slopePerSec: t.slopePerSec, sePerSec: t.sePerSec } : null;
        };
        const pairs = runs.flatMap(([a, b]) => {
            const [ea, eb] = [estimate(a), estimate(b)];
            return ea && eb ? [[ea, eb]] : [];
        });
        if (pairs.length < 2)
            continue;
        series[s] = pairSpread(pairs, z, floor[s]);
        floorPerSec[s] = series[s].spreadUpperPerSec;
    }
    return { pairs: runs.length, z, confidence: twoSidedConfidence(z), series, floorPerSec, secondsPerRun };
}

// `memgate calibrate`'s findings -> text for the terminal, ending with the input to set.
function renderCalibration(c) {
    const lines = [
        `go-memgate calibrate: ${c.pairs} pairs of runs of the same build, ${Math.round(c.secondsPerRun)} s a run`,
        ''
    ];
    const rows = [['', 'b − a: sd', 'min … max', 'spread of a run (τ)', 'upper bound']];
    for (const s of JUDGED_SERIES) {
        const p = c.series[s];
        if (!p)
            continue;
        const unit = SERIES$1[s].unit;
        rows.push([
            SERIES$1[s].label,
            formatRate(p.differenceSdPerSec, unit),
            `${formatSignedRate(Math.min(...p.differencesPerSec), unit)} … ${formatSignedRate(Math.max(...p.differencesPerSec), unit)}`,
            formatRate(p.spreadPerSec, unit),
            `${formatRate(p.spreadUpperPerSec, unit)} (${Math.round(100 * p.confidence)}%)`
        ]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows)
        lines.push(`  ${r.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd());
    lines.push('');
    const confidence = confidenceText(c.confidence);
    for (const s of JUDGED_SERIES) {
        const p = c.series[s];
        if (!p)
            continue;
        lines.push(`  ${SERIES$1[s].label}: ${p.excludingZeroWithin} of ${p.differencesPerSec.length} ${confidence} intervals of b − a exclude 0 on each run's own error; ${p.excludingZeroWithFloor} with baseline-noise-floor ${formatRate(p.floorPerSec, SERIES$1[s].unit)} counted`);
    }
    if (Object.keys(c.series).length === 0)
        lines.push('  No series had a trend in two pairs: nothing to calibrate.');
    const floor = JUDGED_SERIES.map((s) => floorInput(c.floorPerSec[s], SERIES$1[s].unit)).join(', ');
    lines.push('', 'Two runs of this service differ by the spread above beyond their own intervals; the gate', 'counts it in head − base. Set it in the workflow (or pass --baseline-noise-floor):', `  baseline-noise-floor: ${floor}`);
    return lines.join('\n');
}
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB'];
/** A rate per minute as the input is written, rounded up to three digits: a floor must not shrink. */
function floorInput(perSec, unit) {
    let v = Math.max(0, perSec * 60);
    let i = 0;
    while (unit === 'bytes' && v >= 1024 && i < BYTE_UNITS.length - 1)
        [v, i] = [v / 1024, i + 1];
    const step = v > 0 ? 10 ** (Math.floor(Math.log10(v)) - 2) : 1;
    const up = Number((Math.ceil(v / step - 1e-9) * step).toPrecision(3));
    return `${up}${unit === 'bytes' ? BYTE_UNITS[i] : ''}/min`;
}

// report.json -> a plain-text summary for the terminal.
const WORD = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };
function renderTerminal(report) {
    // The default name says nothing; a chosen one tells gates of one repository apart.
    const name = report.name === 'memgate' ? '' : ` (${report.name})`;
    const lines = [`go-memgate${name}: ${WORD[report.verdict]}`];
    for (const n of report.notices)
        lines.push(`  note: ${n}`);
    for (const r of report.reasons)
        lines.push(`  - ${r}`);
    for (const l of [
        ...describeDetectable(report.runs.head),
        describeStop(report.runs.head),
        ...describeComparison(report)
    ])
        if (l)
            lines.push(`  ${l}`);
    for (const run of [report.runs.base, report.runs.head]) {
        const interval = describeInterval(run?.interval);
        if (interval)
            lines.push(`  ${run?.side}: ${interval}`);
        for (const n of run?.sampleNotes ?? [])
            lines.push(`  ${run?.side}: ${n}`);
    }
    lines.push('');
    const confidence = report.runs.head.trends.heap?.confidence ?? report.runs.head.trends.goroutines?.confidence;
    const rows = [['', 'growth', `${confidenceText(confidence)} interval`, 'second half']];
    for (const [side, run] of Object.entries(report.runs)) {
        if (!run)
            continue;
        for (const series of SERIES_NAMES) {
            const t = run.trends[series];
            if (!t)
                continue;
            const r = (v) => formatRate(v, SERIES$1[series].unit);
            rows.push([
                `${series}${report.runs.base ? ` (${side})` : ''}`,
                r(t.slopePerSec),
                `${r(t.ciLow)} .. ${r(t.ciHigh)}`,
                r(t.lateSlopePerSec)
            ]);
        }
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    for (const row of rows)
        lines.push('  ' +
            row
                .map((cell, c) => cell.padEnd(widths[c]))
                .join('  ')
                .trimEnd());
    const a = report.runs.head.attribution;
    const sites = a?.heap.filter((s) => !s.withinNoise).slice(0, 5) ?? [];
    if (sites.length) {
        lines.push('', '  heap grows at:');
        for (const s of sites)
            lines.push(`    ${s.kind === 'goroutines' ? 'new goroutines (see below)' : `${s.repoPath ?? s.file}:${s.line}  ${s.function}`}  +${formatBytes(s.inuseBytesGrowth)} (${formatByteRate(s.bytesPerSec)})`);
    }
    const stacks = a?.goroutines.filter((g) => g.countGrowth > 0).slice(0, 5) ?? [];
    if (stacks.length) {
        lines.push('', '  goroutines pile up at:');
        for (const g of stacks)
            lines.push(`    ${g.repoPath ?? g.file}:${g.line}  ${g.function}  +${g.countGrowth}${g.waitReason ? ` (${g.waitReason})` : ''}${g.provenLeaked ? ' [proven leaked]' : ''}`);
    }
    // Function names, paths and reasons come from the service and, in comment mode, from a report.json.
    return stripControl(lines.join('\n'));
}

/** A plain log shows the warm-up every few seconds, not every second. */
const PLAIN_WARM_UP_EVERY_SEC = 5;
const CLEAR_LINE = '\r\x1b[K';
function cliLog(out) {
    if (!out.isTTY) {
        const plain = (line, event) => {
            if (event?.kind !== 'warm-up' || event.elapsedSec % PLAIN_WARM_UP_EVERY_SEC === 0)
                out.write(line + '\n');
        };
        return Object.assign(plain, { clear: () => { } });
    }
    let progress = false;
    const clear = () => {
        if (progress)
            out.write(CLEAR_LINE);
        progress = false;
    };
    const tty = (line, event) => {
        clear();
        progress = event?.kind === 'warm-up' || event?.kind === 'sample';
        // Kept to the width: a line that wraps cannot be redrawn in place.
        if (progress)
            out.write(line.trim().slice(0, (out.columns || 80) - 1));
        else
            out.write(line + '\n');
    };
    return Object.assign(tty, { clear });
}

// memgate's command line as a function over writers: `memgate run [flags]` gates one
// service, `memgate calibrate` measures how much its runs differ, `memgate demo` runs a
// bundled leaking service against its clean twin.
// The process itself (signals, streams, exit code) belongs to the entry, src/cli.ts.
const FLAG_INPUTS = INPUTS.filter((i) => !i.actionOnly);
/** Inputs of one value a line: each use of the flag adds a line. */
const REPEATABLE = new Set(['env']);
const HELP_AFTER = `
Examples:
  memgate run --working-directory ./service --env PORT=8080 --env PPROF_ADDR=127.0.0.1:6060 \\
    --target-url http://127.0.0.1:8080/orders
  memgate run --baseline merge-base --max-heap-growth 1MiB/min \\
    --load-command 'hey -z "\${MEMGATE_DURATION}s" -c 4 -q 50 "$MEMGATE_TARGET_URL"'

Exit codes:
  0    pass, or a verdict --fail-on lets through
  1    the gate fails: a fail, or an inconclusive with --fail-on inconclusive
  2    bad input, or the service could not be built, started or measured
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM
`;
/**
 * Runs memgate on `argv`, the user's arguments (no node, no script), and resolves to
 * the exit code: 0 pass, 1 fail, 2 error, 128 + n when stopped by signal n.
 */
async function main(argv, io) {
    const log = cliLog(io.stderr);
    const onAbort = () => log(`\nmemgate: ${signalName(io.signal?.reason)}: stopping the service and the load`);
    io.signal?.addEventListener('abort', onAbort, { once: true });
    let exitCode = 0;
    const program = new Command('memgate')
        .version(TOOL_VERSION)
        .description('Keeps memory leaks in Go services out of the main branch.')
        .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
        outputError: () => { }, // reportError writes the one line
        getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns) || 80,
        getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns) || 80,
        getOutHasColors: () => false,
        getErrHasColors: () => false
    })
        .addHelpText('after', HELP_AFTER);
    const run = program
        .command('run')
        .description('build the service, drive it with load, sample its heap and goroutines, and judge the growth')
        .addOption(outOption('where report.json, report.md, raw profiles and logs go', '.memgate'))
        .addHelpText('after', HELP_AFTER);
    for (const input of FLAG_INPUTS)
        run.addOption(inputOption(input.name, input.description, input.default));
    run.action(async (opts) => {
        const raw = rawInputs(opts);
        const config = parseConfig(raw);
        const { report, reportJsonPath, reportMarkdownPath } = await runGate(config, {
            outDir: resolve$1(opts.out),
            repoRoot: process.cwd(),
            configRecord: describeConfig(raw),
            log,
            env: io.env,
            signal: io.signal
        });
        log.clear();
        io.stdout.write(renderTerminal(report) + '\n\n');
        io.stdout.write(`report: ${reportJsonPath}\n        ${reportMarkdownPath}\n`);
        exitCode = failsGate(report.verdict, config.failOn) ? 1 : 0;
    });
    const calibrateCommand = program
        .command('calibrate')
        .description('run the service against itself, pair after pair, and print how much two runs differ: the baseline-noise-floor to set')
        .addOption(outOption('where calibration.json, raw profiles and logs go', '.memgate/calibrate'))
        .addOption(new Option('--pairs <n>', 'pairs of runs of the same build (2 or more)').default('5'));
    for (const input of FLAG_INPUTS)
        calibrateCommand.addOption(inputOption(input.name, input.description, input.default));
    calibrateCommand.action(async (opts) => {
        const pairs = Number(opts.pairs);
        if (!/^\d+$/.test(opts.pairs) || pairs < 2)
            throw new ConfigError(`pairs: expected a whole number of 2 or more, got "${opts.pairs}"`);
        const config = parseConfig(rawInputs(opts));
        const { calibration, calibrationJsonPath } = await calibrate(config, {
            outDir: resolve$1(opts.out),
            repoRoot: process.cwd(),
            pairs,
            log,
            signal: io.signal
        });
        log.clear();
        io.stdout.write(renderCalibration(calibration) + '\n\n');
        io.stdout.write(`calibration: ${calibrationJsonPath}\n`);
    });
    const demo = program
        .command('demo')
        .description('run a bundled leaking service and its clean twin, and print the report a PR would get')
        .addOption(outOption('where the demo writes its reports', '.memgate/demo'))
        .action(async (opts) => {
        exitCode = await runDemo({ outDir: resolve$1(opts.out), log, stdout: io.stdout, signal: io.signal });
    });
    for (const command of [program, run, calibrateCommand, demo])
        command.exitOverride((e) => {
            throw e.exitCode === 0 || e.code === 'commander.help'
                ? e
                : new ArgumentError(argumentLine(e, command, argv));
        });
    try {
        await program.parseAsync(argv, { from: 'user' });
    }
    catch (e) {
        log.clear();
        exitCode = reportError(e, io.stderr);
    }
    finally {
        io.signal?.removeEventListener('abort', onAbort);
    }
    return io.signal?.aborted && exitCode !== 1
        ? 128 + constants$1.signals[signalName(io.signal.reason)]
        : exitCode;
}
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
/** The inputs given as flags, by input name. */
function rawInputs(opts) {
    return Object.fromEntries(FLAG_INPUTS.map((input) => [input.name, opts[camel(input.name)]]));
}
/** The signal that stopped the run; SIGINT when it was stopped for another reason. */
const signalName = (reason) => typeof reason === 'string' && reason in constants$1.signals ? reason : 'SIGINT';
const outOption = (description, dir) => new Option('--out <dir>', description).default(dir, dir);
/**
 * A flag for an input. It has no default of its own, so parseConfig sees only what
 * the user wrote; help shows the input's default.
 */
function inputOption(name, description, dflt) {
    const repeatable = REPEATABLE.has(name);
    const text = [
        description.replace(/`/g, ''),
        repeatable ? `Repeat the flag for more: --${name} A=1 --${name} B=2.` : '',
        dflt ? `(default: ${dflt})` : ''
    ];
    const option = new Option(`--${name} <value>`, text.filter(Boolean).join(' '));
    return repeatable
        ? option.argParser((value, previous) => previous === undefined ? value : `${previous}\n${value}`)
        : option;
}
/** A mistake in the arguments, as the one line that names the flag or word at fault. */
class ArgumentError extends Error {
}
function argumentLine(e, command, argv) {
    const name = command.parent ? `memgate ${command.name()}` : 'memgate';
    const see = ` (see ${name} --help)`;
    // Every flag of run and demo takes a value, so the words after the command pair up.
    const words = command.parent ? argv.slice(argv.indexOf(command.name()) + 1) : argv;
    const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
    const suggestion = /\(Did you mean (.+)\?\)/.exec(e.message)?.[1];
    const didYouMean = suggestion ? `; did you mean ${suggestion}?` : '';
    switch (e.code) {
        case 'commander.excessArguments': {
            const word = command.args[0];
            const flag = flagBefore(words, word);
            return flag
                ? `unexpected argument "${word}" after the value of ${flag}: quote values that contain spaces${see}`
                : `unexpected argument "${word}": ${name} takes flags only; quote values that contain spaces${see}`;
        }
        case 'commander.unknownOption': {
            // `--load-command hey -z 10s`: a short flag after a value is most likely part of it.
            const flag = quoted.startsWith('--') ? undefined : flagBefore(words, quoted);
            return flag
                ? `unknown option ${quoted} after the value of ${flag}: quote values that contain spaces${see}`
                : `unknown option ${quoted}${didYouMean}${see}`;
        }
        case 'commander.optionMissingArgument':
            return `${quoted.split(' ')[0]}: missing value${see}`;
        case 'commander.unknownCommand': {
            const names = command.commands.map((c) => c.name());
            const commands = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
            return `unknown command "${quoted}"${didYouMean || `; the commands are ${commands}`}${see}`;
        }
        default:
            return e.message.replace(/^error: /, '') + see;
    }
}
/** The flag whose value stands right before `word` in `words`, if any. */
function flagBefore(words, word) {
    let flag;
    for (let i = 0; i < words.length; i++) {
        if (words[i] === word)
            return flag;
        flag = undefined;
        if (words[i].startsWith('--') && words[i] !== '--help') {
            flag = words[i].split('=')[0];
            if (!words[i].includes('='))
                i++; // its value
        }
    }
    return undefined;
}
/** One line for the user, exit code 2; details (compiler output, service log) beneath. */
function reportError(e, stderr) {
    // --help and --version exit 0; a bare `memgate` has had the help written to stderr.
    if (e instanceof CommanderError)
        return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ArgumentError || e instanceof ConfigError || e instanceof GateError) {
        const message = e instanceof OutputError ? `--out: ${e.path} ${e.problem}` : e.message;
        // A bad value is quoted back: it may hold a password. Service output may hold escapes.
        stderr.write(`memgate: ${safe(message)}\n`);
        if (e instanceof GateError && e.detail)
            stderr.write(indent(safe(e.detail)) + '\n');
        return 2;
    }
    stderr.write(`memgate: internal error: ${e?.stack ?? String(e)}\n`);
    return 2;
}
const safe = (text) => stripControl(redactText(text));
const indent = (text) => text
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n');

// The memgate command: wires the process (signals, streams, exit code) to main().
const controller = new AbortController();
// The signal's name is the abort reason: it decides the exit code, 130 or 143.
const stop = (signal) => controller.abort(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
try {
    process.exitCode = await main(process.argv.slice(2), {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        signal: controller.signal
    });
}
finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    killAllGroups();
}
